import { hash } from "node:crypto";
import type { Sha256 } from "./sha256";

// Same digest as the tracking core's WebCrypto default, computed synchronously: on the webhook path the
// async WebCrypto round trip cost ~30 µs per field, ten fields per order. `crypto.hash` is the one-shot
// form (no Hash object per field), about twice as fast as createHash().update().digest() for short text.
export const nodeSha256: Sha256 = (text) => hash("sha256", text, "hex");
