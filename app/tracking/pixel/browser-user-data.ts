// Advanced-matching user data from a checkout, normalised and hashed with the same functions the server
// uses (normalize.ts, hash-user-data.ts). Library-free: phones from the checkout are already E.164.
import { hashFirstUsable } from "../hash-user-data";
import {
  normalizeCity,
  normalizeCountry,
  normalizeE164Phone,
  normalizeEmail,
  normalizeExternalId,
  normalizeName,
  normalizeState,
  normalizeZip,
} from "../normalize";
import { asRecord, field } from "./read-shape";

export type BrowserUserData = Partial<
  Record<"em" | "ph" | "fn" | "ln" | "ct" | "st" | "zp" | "country" | "external_id", string>
>;

export async function userDataFromCheckout(checkout: unknown): Promise<BrowserUserData> {
  // Billing first (the payer), then shipping: the server's order-user-data.ts uses the same order.
  const places = [field(checkout, "billingAddress"), field(checkout, "shippingAddress")].filter(
    (address) => asRecord(address) !== null,
  );
  const pick = (key: string) => places.map((address) => field(address, key));
  let country: string | null = null;
  for (const code of pick("countryCode")) if (country === null) country = normalizeCountry(code);
  const region = country;

  // One [key, candidates, normaliser] per match key; a loop keeps the CLI's ES2015 bundle small.
  const keys: Array<[keyof BrowserUserData, unknown[], (raw: unknown) => string | null]> = [
    ["em", [field(checkout, "email")], normalizeEmail],
    ["ph", [field(checkout, "phone"), ...pick("phone")], normalizeE164Phone],
    ["fn", pick("firstName"), normalizeName],
    ["ln", pick("lastName"), normalizeName],
    ["ct", pick("city"), normalizeCity],
    ["st", pick("provinceCode"), (raw) => normalizeState(raw, region)],
    ["zp", pick("zip"), (raw) => normalizeZip(raw, region)],
    ["country", [region], normalizeCountry],
    ["external_id", [field(checkout, "order", "customer", "id")], normalizeExternalId],
  ];
  const userData: BrowserUserData = {};
  for (const [key, candidates, normalize] of keys) {
    const hashed = await hashFirstUsable(candidates, normalize);
    if (hashed !== null) userData[key] = hashed;
  }
  return userData;
}
