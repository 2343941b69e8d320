import { HASHED_USER_DATA_KEYS } from "../tracking/capi-types";

// ud[…] of a collector body: the match keys the pixel hashed (app/tracking/pixel/browser-user-data.ts). Tandem
// hashes every one of them, external_id included (capi-types.ts, docs/meta-capi-facts.md), so each value must
// be a SHA-256 digest in lowercase hex. Anything else could be the raw value itself: it is dropped, never
// stored, never sent. An unknown key is dropped the same way.

export type HashedUserDataKey = (typeof HASHED_USER_DATA_KEYS)[number];
export type CollectedUserData = Partial<Record<HashedUserDataKey, string>>;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const KEYS: ReadonlySet<string> = new Set(HASHED_USER_DATA_KEYS);

export function parseUserData(raw: ReadonlyMap<string, string>): { userData: CollectedUserData; dropped: number } {
  const userData: CollectedUserData = {};
  let dropped = 0;
  for (const [key, value] of raw) {
    if (KEYS.has(key) && SHA256_HEX.test(value)) userData[key as HashedUserDataKey] = value;
    else dropped += 1;
  }
  return { userData, dropped };
}
