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
  for (const code of pick("countryCode")) country ??= normalizeCountry(code);

  const hashed: BrowserUserData = {
    em: (await hashFirstUsable([field(checkout, "email")], normalizeEmail)) ?? undefined,
    ph: (await hashFirstUsable([field(checkout, "phone"), ...pick("phone")], normalizeE164Phone)) ?? undefined,
    fn: (await hashFirstUsable(pick("firstName"), normalizeName)) ?? undefined,
    ln: (await hashFirstUsable(pick("lastName"), normalizeName)) ?? undefined,
    ct: (await hashFirstUsable(pick("city"), normalizeCity)) ?? undefined,
    st: (await hashFirstUsable(pick("provinceCode"), (raw) => normalizeState(raw, country))) ?? undefined,
    zp: (await hashFirstUsable(pick("zip"), (raw) => normalizeZip(raw, country))) ?? undefined,
    country: (await hashFirstUsable([country], normalizeCountry)) ?? undefined,
    external_id:
      (await hashFirstUsable([field(checkout, "order", "customer", "id")], normalizeExternalId)) ?? undefined,
  };
  const userData: BrowserUserData = {};
  for (const [key, value] of Object.entries(hashed)) {
    if (value !== undefined) userData[key as keyof BrowserUserData] = value;
  }
  return userData;
}
