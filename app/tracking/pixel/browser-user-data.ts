// Advanced-matching user data from a checkout, normalised and hashed with the functions the server uses
// (normalize.ts, hash-user-data.ts), so a key the pixel sends equals the server's. Where the server needs
// what the pixel lacks (libphonenumber, region names, the customer record), the pixel sends nothing rather
// than something different: the per-field table is in decision 0018.
import { hashFirstUsable } from "../hash-user-data";
import {
  normalizeCity,
  normalizeCountry,
  normalizeEmail,
  normalizeExternalId,
  normalizeName,
  normalizeState,
  normalizeZip,
  writtenE164Digits,
} from "../normalize";
import { asRecord, field, stringAt } from "./read-shape";

export type BrowserUserData = Partial<
  Record<"em" | "ph" | "fn" | "ln" | "ct" | "st" | "zp" | "country" | "external_id", string>
>;

export async function userDataFromCheckout(checkout: unknown): Promise<BrowserUserData> {
  // Billing first (the payer), then shipping: the server's order-user-data.ts reads them in the same order
  // (and then the customer record, which the pixel does not see).
  const places = [field(checkout, "billingAddress"), field(checkout, "shippingAddress")].filter(
    (address) => asRecord(address) !== null,
  );
  const pick = (key: string) => places.map((address) => field(address, key));
  // The first place that says anything decides, as on the server; `undefined` = nothing said anywhere.
  const decider = (keys: string[]) => places.find((address) => keys.some((key) => stringAt(address, key) !== null));
  // The country is the first one given; a value the pixel cannot read as a code (the server maps names) leaves
  // it unknown, and st and zp, whose rules depend on it, unsent.
  const country = normalizeCountry(field(decider(["countryCode", "country"]), "countryCode"));
  // A province given by name only, or a Japanese prefecture, needs the server's tables (region-names.ts).
  const state = country === "jp" ? null : field(decider(["provinceCode", "province"]), "provinceCode");
  const known = country === null ? [] : [country];

  // One [key, candidates, normaliser] per match key; a loop keeps the CLI's ES2015 bundle small.
  const keys: Array<[keyof BrowserUserData, unknown[], (raw: unknown) => string | null]> = [
    ["em", [field(checkout, "email")], normalizeEmail],
    // The first phone given decides: E.164 as written, or (any other form) no phone at all.
    ["ph", [[field(checkout, "phone"), ...pick("phone")].find((phone) => stringAt(phone) !== null)], writtenE164Digits],
    ["fn", pick("firstName"), normalizeName],
    ["ln", pick("lastName"), normalizeName],
    ["ct", pick("city"), normalizeCity],
    ["st", country === null ? [] : [state], (raw) => normalizeState(raw, country)],
    ["zp", country === null ? [] : pick("zip"), (raw) => normalizeZip(raw, country)],
    ["country", known, normalizeCountry],
    ["external_id", [field(checkout, "order", "customer", "id")], normalizeExternalId],
  ];
  const userData: BrowserUserData = {};
  for (const [key, candidates, normalize] of keys) {
    const hashed = await hashFirstUsable(candidates, normalize);
    if (hashed !== null) userData[key] = hashed;
  }
  return userData;
}
