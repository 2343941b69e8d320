// Normalisation of user_data before SHA-256, per Meta's written rules (docs/meta-capi-facts.md).
// Every function returns the normalised plaintext, or null when the input is unusable (the key is dropped).
// Browser-reachable: no libraries here. Phone parsing with libphonenumber lives in phone.ts (server only).
import { customerIdDigits } from "./ids";

const HASH_WITH_OPTIONAL_APPENDIX = /^([0-9a-fA-F]{64})(?:\.(?:[A-Za-z0-9_-]{2}|[A-Za-z0-9_-]{8}))?$/;

/** True for a SHA-256 hex digest, also with a Parameter Builder `.XX` / `.XXXXXXXX` appendix. */
export function isAlreadyHashed(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const trimmed = value.trim();
  // Only 64, 67 or 73 characters can match; checking the length first keeps the regex off every name,
  // city and phone on the webhook path (it showed up in profiles).
  const length = trimmed.length;
  return (length === 64 || length === 67 || length === 73) && HASH_WITH_OPTIONAL_APPENDIX.test(trimmed);
}

/**
 * The 64-hex digest of an already-hashed value, lowercased. The appendix is dropped: Meta accepts values
 * with or without it, and one canonical form keeps every hashed key 64 lowercase hex.
 */
export function canonicalHash(value: string): string | null {
  const match = HASH_WITH_OPTIONAL_APPENDIX.exec(value.trim());
  return match?.[1]?.toLowerCase() ?? null;
}

function text(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const trimmed = raw.normalize("NFC").trim();
  return trimmed === "" ? null : trimmed;
}

// Keep letters (any script), combining marks and digits; drop punctuation, symbols and spaces.
function lettersAndDigits(value: string): string {
  return value.toLowerCase().normalize("NFC").replace(/[^\p{L}\p{M}\p{N}]/gu, "");
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(raw: unknown): string | null {
  const value = text(raw)?.toLowerCase();
  return value !== undefined && EMAIL.test(value) ? value : null;
}

/**
 * The phone rule both sides share (decision 0018): a number written in E.164 — `+`, a country code, 7 to 15
 * digits in all, nothing else — is its digits, exactly as written. It is what Shopify's checkout hands the
 * pixel. Anything written otherwise (spaces, `(0)`, an extension, a national number) needs a phone library to
 * read; the server reads it with libphonenumber (phone.ts) and the pixel sends no phone rather than a
 * different one.
 */
export function writtenE164Digits(raw: unknown): string | null {
  const value = text(raw);
  return value !== null && /^\+[1-9]\d{6,14}$/.test(value) ? value.slice(1) : null;
}

export function normalizeName(raw: unknown): string | null {
  const value = text(raw);
  if (value === null) return null;
  const normalised = lettersAndDigits(value);
  return normalised === "" ? null : normalised;
}

export function normalizeCity(raw: unknown): string | null {
  return normalizeName(raw);
}

/**
 * US: the 2-letter code (Shopify `province_code`); elsewhere lowercase without punctuation or spaces. An ISO
 * 3166-2 code (`US-CA`, `JP-13`) loses its country prefix; a purely numeric subdivision (`JP-13`) says nothing
 * without a table, so it gives null here (the server maps Japanese prefectures: region-names.ts).
 */
export function normalizeState(raw: unknown, countryCode?: unknown): string | null {
  let value = text(raw);
  if (value === null) return null;
  const iso = /^([A-Za-z]{2})-(.+)$/.exec(value);
  const country = normalizeCountry(countryCode);
  if (iso?.[2] !== undefined && (country === null || iso[1]?.toLowerCase() === country)) {
    if (/^\d+$/.test(iso[2])) return null;
    value = iso[2];
  }
  const normalised = lettersAndDigits(value);
  if (normalised === "") return null;
  if (country === "us" && !/^[a-z]{2}$/.test(normalised)) return null;
  return normalised;
}

/** US: first 5 digits (ZIP or ZIP+4); elsewhere lowercase without spaces, dashes or other punctuation. */
export function normalizeZip(raw: unknown, countryCode?: unknown): string | null {
  const value = text(raw);
  if (value === null) return null;
  if (normalizeCountry(countryCode) === "us") {
    const us = /^(\d{5})(?:[\s-]*\d{4})?$/.exec(value);
    return us?.[1] ?? null;
  }
  const normalised = lettersAndDigits(value);
  return normalised === "" ? null : normalised;
}

// Shopify sends ISO codes; this covers the names Meta's own examples use. Kept tiny: it ships in the pixel.
const COUNTRY_NAMES: Record<string, string> = {
  unitedstates: "us",
  unitedstatesofamerica: "us",
  usa: "us",
  uk: "gb",
  unitedkingdom: "gb",
  greatbritain: "gb",
};

export function normalizeCountry(raw: unknown): string | null {
  const value = text(raw);
  if (value === null) return null;
  const compact = value.toLowerCase().replace(/[^a-z]/g, "");
  const named = COUNTRY_NAMES[compact];
  if (named !== undefined) return named;
  return /^[a-z]{2}$/.test(compact) && value.replace(/[\s.]/g, "").length === 2 ? compact : null;
}

/** `YYYYMMDD` from `YYYYMMDD`, `YYYY-MM-DD` or US-style `M/D/YYYY`; impossible dates give null. */
export function normalizeDateOfBirth(raw: unknown): string | null {
  const value = text(raw);
  if (value === null) return null;
  const iso = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(value);
  const us = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const parts = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : null;
  if (parts === null) return null;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}`;
}

/** external_id is the Shopify customer id as digits, the same on pixel and server (gid or number in). */
export function normalizeExternalId(raw: unknown): string | null {
  return customerIdDigits(raw);
}
