import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Secrets at rest: AES-256-GCM, one fresh 96-bit IV per value, the auth tag stored beside the ciphertext.
// Format: "v1:<iv>:<tag>:<ciphertext>" (base64 parts). The version prefix lets the format change later.
const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const KEY_BYTES = 32;

export function parseEncryptionKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(`Encryption key must be ${KEY_BYTES} bytes of base64 (got ${key.length} bytes)`);
  }
  return key;
}

export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
}

function decryptWith(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer): string | null {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // Wrong key (or tampered value): GCM's tag check fails. Try the next key.
    return null;
  }
}

/**
 * Decrypts with the first key that authenticates the value. Keys are tried in order, so pass
 * [current, ...previous] while rotating (see docs/decisions/0002-storage-kysely-node-sqlite.md).
 */
export function decryptSecret(value: string, keys: readonly Buffer[]): string {
  const parts = value.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error("Encrypted secret has an unknown format");
  const [, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, "base64"));
  if (iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new Error("Encrypted secret has an unknown format");
  }
  for (const key of keys) {
    const plain = decryptWith(key, iv, tag, ciphertext);
    if (plain !== null) return plain;
  }
  throw new Error("Encrypted secret could not be decrypted with any configured key");
}

/** True when the value is not encrypted with the current key (keys[0]) and should be rewritten. */
export function needsReencryption(value: string, keys: readonly Buffer[]): boolean {
  const [current] = keys;
  if (current === undefined) return false;
  try {
    decryptSecret(value, [current]);
    return false;
  } catch {
    return true;
  }
}
