import { parseEncryptionKey } from "../../app/db/token-crypto.server";
import type { TestDatabase } from "./support";

export type GetTestDatabase = () => TestDatabase;

export const TEST_KEY = parseEncryptionKey(Buffer.alloc(32, 7).toString("base64"));
export const OLD_KEY = parseEncryptionKey(Buffer.alloc(32, 3).toString("base64"));
