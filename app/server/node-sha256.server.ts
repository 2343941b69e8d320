import { createHash } from "node:crypto";
import type { Sha256 } from "../tracking/sha256";

// Same digest as the tracking core's WebCrypto default, computed synchronously: on the webhook path the
// async WebCrypto round trip cost ~30 µs per field, ten fields per order.
export const nodeSha256: Sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");
