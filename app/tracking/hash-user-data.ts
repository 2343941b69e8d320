import { canonicalHash, isAlreadyHashed } from "./normalize";
import { sha256Hex, type Sha256 } from "./sha256";

/**
 * Normalise then hash one user_data value. A value that is already a SHA-256 digest passes through
 * (canonicalised), never hashed twice (docs/meta-capi-facts.md, "user_data: normalise, then hash once").
 */
export async function hashUserDataValue(
  raw: unknown,
  normalize: (value: unknown) => string | null,
  hash: Sha256 = sha256Hex,
): Promise<string | null> {
  if (isAlreadyHashed(raw)) return canonicalHash(raw);
  const normalised = normalize(raw);
  return normalised === null ? null : hash(normalised);
}

/** The first candidate that normalises, hashed; null when none does. */
export async function hashFirstUsable(
  candidates: readonly unknown[],
  normalize: (value: unknown) => string | null,
  hash: Sha256 = sha256Hex,
): Promise<string | null> {
  for (const candidate of candidates) {
    const hashed = await hashUserDataValue(candidate, normalize, hash);
    if (hashed !== null) return hashed;
  }
  return null;
}
