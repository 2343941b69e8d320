import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  needsReencryption,
  parseEncryptionKey,
} from "../../app/db/token-crypto.server";
import { OLD_KEY, TEST_KEY } from "./contract-support";

describe("token crypto", () => {
  it("round-trips a secret and never stores the plaintext", () => {
    const encrypted = encryptSecret("shpat_secret", TEST_KEY);
    expect(encrypted).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(encrypted).not.toContain("shpat_secret");
    expect(decryptSecret(encrypted, [TEST_KEY])).toBe("shpat_secret");
  });

  it("uses a fresh IV for each encryption", () => {
    expect(encryptSecret("same", TEST_KEY)).not.toBe(encryptSecret("same", TEST_KEY));
  });

  it("decrypts with any key in the list (rotation) and fails with none", () => {
    const underOld = encryptSecret("token", OLD_KEY);
    expect(decryptSecret(underOld, [TEST_KEY, OLD_KEY])).toBe("token");
    expect(() => decryptSecret(underOld, [TEST_KEY])).toThrow(/any configured key/);
    expect(needsReencryption(underOld, [TEST_KEY, OLD_KEY])).toBe(true);
    expect(needsReencryption(encryptSecret("token", TEST_KEY), [TEST_KEY, OLD_KEY])).toBe(false);
  });

  it("rejects tampered ciphertext and unknown formats", () => {
    const [version, iv, tag, ciphertext] = encryptSecret("token", TEST_KEY).split(":");
    const flipped = Buffer.from(ciphertext ?? "", "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => decryptSecret([version, iv, tag, flipped.toString("base64")].join(":"), [TEST_KEY])).toThrow();
    expect(() => decryptSecret("plaintext-token", [TEST_KEY])).toThrow(/unknown format/);
    expect(() => decryptSecret("v2:a:b:c", [TEST_KEY])).toThrow(/unknown format/);
  });

  it("accepts only 32-byte base64 keys", () => {
    expect(parseEncryptionKey(Buffer.alloc(32, 1).toString("base64"))).toHaveLength(32);
    expect(() => parseEncryptionKey(Buffer.alloc(16, 1).toString("base64"))).toThrow(/32 bytes/);
    expect(() => parseEncryptionKey("")).toThrow(/32 bytes/);
  });
});
