import { isCookieValue, isHashedValue, isIpAddress, isNonEmptyString, isRecord } from "./meta-formats";

// docs/meta-capi-facts.md, "user_data: normalise, then hash once": these accept a string or a list of strings and
// must arrive hashed.
// external_id: Meta only *recommends* hashing it; Tandem hashes it on both channels (docs/decisions/0018), so the
// simulator demands the hash to catch a raw Shopify customer id leaking through.
export const HASHED_USER_DATA_KEYS = [
  "em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id", "db", "ge",
] as const;

// The "never hashed" keys: plain strings.
const PLAIN_USER_DATA_KEYS = [
  "client_ip_address", "client_user_agent", "fbc", "fbp", "subscription_id", "fb_login_id", "lead_id", "anon_id",
  "madid", "page_id", "page_scoped_user_id", "ctwa_clid", "ig_account_id", "ig_sid",
] as const;

const HASHED_SET = new Set<string>(HASHED_USER_DATA_KEYS);
const PLAIN_SET = new Set<string>(PLAIN_USER_DATA_KEYS);

// "Server event fields", baseline matching (v13.0+): user_data that is only a subset of one of these sets is invalid.
const BASELINE_INVALID_SETS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["ct", "country", "st", "zp", "ge", "client_user_agent"]),
  new Set(["db", "client_user_agent"]),
  new Set(["fn", "ge"]),
  new Set(["ln", "ge"]),
];

export type UserDataProblem = { detail: string; insufficient: boolean };

export function checkUserData(userData: unknown, isWebsite: boolean): UserDataProblem | null {
  if (!isRecord(userData)) return { detail: "user_data is required and must be an object", insufficient: true };
  const present = Object.keys(userData).filter((key) => userData[key] !== undefined && userData[key] !== null);
  for (const key of present) {
    const problem = checkField(key, userData[key]);
    if (problem !== null) return { detail: problem, insufficient: false };
  }
  if (isWebsite && !isNonEmptyString(userData.client_user_agent)) {
    return { detail: "user_data.client_user_agent is required for website events", insufficient: false };
  }
  if (present.length === 0) return { detail: "user_data must contain at least one customer parameter", insufficient: true };
  const keys = new Set(present);
  if (BASELINE_INVALID_SETS.some((allowed) => [...keys].every((key) => allowed.has(key)))) {
    return {
      detail: `user_data {${[...keys].join(", ")}} does not contain enough customer information to match`,
      insufficient: true,
    };
  }
  return null;
}

function checkField(key: string, value: unknown): string | null {
  if (HASHED_SET.has(key)) return checkHashedField(key, value);
  if (!PLAIN_SET.has(key)) return `user_data.${key} is not a known customer information parameter`;
  if (!isNonEmptyString(value)) return `user_data.${key} must be a non-empty string`;
  if (key === "client_ip_address" && !isIpAddress(value)) {
    return "user_data.client_ip_address must be a valid IPv4 or IPv6 address";
  }
  if ((key === "fbp" || key === "fbc") && !isCookieValue(value)) {
    return `user_data.${key} is not in the fb.{subdomainIndex}.{creationTime}.{value} format`;
  }
  return null;
}

function checkHashedField(key: string, value: unknown): string | null {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return `user_data.${key} must not be an empty list`;
  for (const item of values) {
    if (typeof item !== "string" || !isHashedValue(item)) {
      return `user_data.${key} must be a SHA-256 hash (64 lowercase hex characters); unhashed values are not accepted`;
    }
  }
  return null;
}
