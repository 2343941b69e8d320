import { hash } from "node:crypto";
import type { Sha256 } from "../tracking/sha256";

// Same digest as the tracking core's WebCrypto default, computed synchronously: on the webhook path the
// async WebCrypto round trip cost more than the digest, ten fields per order. `crypto.hash` is the one-shot
// form (no Hash object per field), faster than createHash().update().digest() for short text. The figures:
// docs/decisions/0008, Measurements.
export const nodeSha256: Sha256 = (text) => hash("sha256", text, "hex");
