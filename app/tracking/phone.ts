// Server-side phone normalisation. Kept apart from normalize.ts so the pixel bundle never pulls in
// libphonenumber's metadata (the pixel gets E.164 phones and uses normalizeE164Phone).
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import type { CountryCode } from "libphonenumber-js";
import { writtenE164Digits } from "./normalize";

/**
 * E.164 digits including the country code (Meta: "must include the country code"), e.g.
 * `(650)555-1212` with country `US` → `16505551212`. The country applies only when the number has none.
 * A number already written in E.164 is taken as written, the rule the pixel applies too (normalize.ts);
 * any other form goes through libphonenumber, and numbers it considers invalid give null.
 */
export function normalizePhone(raw: unknown, countryCode?: unknown): string | null {
  const written = writtenE164Digits(raw);
  if (written !== null) return written;
  if (typeof raw !== "string" || raw.trim() === "" || raw.length > 64) return null;
  const country = typeof countryCode === "string" ? countryCode.trim().toUpperCase() : "";
  const defaultCountry: CountryCode | undefined = isSupportedCountry(country) ? country : undefined;
  try {
    const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry === undefined ? {} : { defaultCountry });
    if (parsed === undefined || !parsed.isValid()) return null;
    return parsed.number.replace(/^\+/, "");
  } catch {
    // libphonenumber throws on some pathological input; an unparseable phone is simply dropped.
    return null;
  }
}
