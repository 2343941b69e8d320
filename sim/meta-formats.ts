import { isIP } from "node:net";

// Value formats Meta checks, written from docs/meta-capi-facts.md (not from app/ code, on purpose).

// SHA-256 lowercase hex, optionally with a Parameter Builder appendix (2 or 8 base64url chars)
// (docs/meta-capi-facts.md, "user_data: normalise, then hash once" and "fbp and fbc").
const HASHED = /^[0-9a-f]{64}(\.([A-Za-z0-9_-]{2}|[A-Za-z0-9_-]{8}))?$/;
// "fbp and fbc": 4-segment cookie, or 5-segment Parameter Builder form.
const FBP_FBC = /^fb\.\d+\.\d+\.[^.]+(\.([A-Za-z0-9_-]{2}|[A-Za-z0-9_-]{8}))?$/;

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function isHashedValue(value: string): boolean {
  return HASHED.test(value);
}

export function isCookieValue(value: string): boolean {
  return FBP_FBC.test(value);
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

// Docs show both `usd` and `USD` (docs/meta-capi-facts.md, "custom_data of every event"), so case is not what
// makes a code invalid; an unknown code is.
export function isCurrencyCode(value: string): boolean {
  return /^[A-Za-z]{3}$/.test(value) && CURRENCIES.has(value.toUpperCase());
}

export function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}
