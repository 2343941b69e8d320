import type { CapiUserData } from "../tracking/capi-types";

// Since Graph API v13.0 Meta refuses an event whose user_data holds only keys from one of these sets: too little
// to match anyone (docs/meta-capi-facts.md, "Server event fields"; error 100/2804050). A collected event like that
// (a shopper with no cookie, no contact details and, from a proxy or loopback, no public address) is not stored:
// the worker could only dead-letter it.
const TOO_LITTLE: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["ct", "country", "st", "zp", "ge", "client_user_agent"]),
  new Set(["db", "client_user_agent"]),
  new Set(["fn", "ge"]),
  new Set(["ln", "ge"]),
];

export function hasEnoughToMatch(userData: CapiUserData): boolean {
  const keys = Object.keys(userData).filter((key) => userData[key as keyof CapiUserData] !== undefined);
  if (keys.length === 0) return false;
  return !TOO_LITTLE.some((set) => keys.every((key) => set.has(key)));
}
