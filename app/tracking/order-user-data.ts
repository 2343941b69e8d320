// user_data for a Purchase built from an order (docs/meta-capi-facts.md, "user_data: normalise, then hash once").
// Server-only: uses libphonenumber via phone.ts.
import { TANDEM_ATTRIBUTE, readAttribute } from "./attributes";
import type { CapiUserData } from "./capi-types";
import { publicIpAddress } from "./client-ip";
import { USER_DATA_KEYS } from "./capi-types";
import { buildFbc, fbclidFromUrl, isValidFbc, isValidFbp } from "./fbp-fbc";
import { hashFirstUsable } from "./hash-user-data";
import { sha256Hex, type Sha256 } from "./sha256";
import {
  normalizeCity,
  normalizeCountry,
  normalizeEmail,
  normalizeExternalId,
  normalizeName,
  normalizeZip,
} from "./normalize";
import type { ParsedAddress, ParsedOrder } from "./order-schema";
import { normalizePhone } from "./phone";
import { countryFromCodeOrName, stateOfAddress } from "./region-names";

/** The first public address Shopify recorded for the buyer's browser (client-ip.ts says what is dropped). */
function clientIp(order: ParsedOrder): string | undefined {
  for (const candidate of [order.browser_ip, order.client_details?.browser_ip]) {
    const value = publicIpAddress(candidate);
    if (value !== null) return value;
  }
  return undefined;
}

function userAgent(order: ParsedOrder): string | undefined {
  const value = order.client_details?.user_agent?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function fbc(order: ParsedOrder, eventTimeMs: number): string | undefined {
  const fromAttribute = readAttribute(order.note_attributes, TANDEM_ATTRIBUTE.fbc);
  if (isValidFbc(fromAttribute)) return fromAttribute;
  // Another app may have overwritten the attribute, or the buyer skipped the cart: the landing URL still
  // carries the click id. Creation time = when the order was processed, the best time we know.
  return buildFbc(fbclidFromUrl(order.landing_site), eventTimeMs, 1) ?? undefined;
}

function fbp(order: ParsedOrder): string | undefined {
  const fromAttribute = readAttribute(order.note_attributes, TANDEM_ATTRIBUTE.fbp);
  return isValidFbp(fromAttribute) ? fromAttribute : undefined;
}

/** Billing first (the payer), then shipping, then the customer's default address. */
function addresses(order: ParsedOrder): NonNullable<ParsedAddress>[] {
  return [order.billing_address, order.shipping_address, order.customer?.default_address].filter(
    (address): address is NonNullable<ParsedAddress> => address !== null && address !== undefined,
  );
}

/** The first address's ISO code, or its country name mapped to one ("Germany" → de: region-names.ts). */
function countryCode(order: ParsedOrder): string | undefined {
  for (const address of addresses(order)) {
    const code = normalizeCountry(address.country_code) ?? countryFromCodeOrName(address.country);
    if (code !== null) return code;
  }
  return undefined;
}

export type UserDataOptions = {
  /**
   * No shopper was present (subscription renewal, app-created order): the order carries no browser of its own,
   * only ids copied from an earlier checkout, so fbp, fbc, client IP and user agent are left out (decision 0018).
   */
  noShopper?: boolean;
};

export async function orderUserData(
  order: ParsedOrder,
  eventTimeMs: number,
  hash: Sha256 = sha256Hex,
  options: UserDataOptions = {},
): Promise<CapiUserData> {
  const places = addresses(order);
  const country = countryCode(order);
  const customer = order.customer;
  // This order's own phones first (what the buyer typed, in the order the pixel reads them: the order's, the
  // billing and the shipping address's), then the customer record's (decision 0018).
  const phones = [order.phone, ...places.map((address) => address.phone), customer?.phone];

  const hashed = {
    em: await hashFirstUsable([order.email, order.contact_email, customer?.email], normalizeEmail, hash),
    ph: await hashFirstUsable(phones, (raw) => normalizePhone(raw, country), hash),
    fn: await hashFirstUsable([...places.map((a) => a.first_name), customer?.first_name], normalizeName, hash),
    ln: await hashFirstUsable([...places.map((a) => a.last_name), customer?.last_name], normalizeName, hash),
    ct: await hashFirstUsable(places.map((a) => a.city), normalizeCity, hash),
    // The rule is applied per address (code, else name; Japan by prefecture), then hashed.
    st: await hashFirstUsable(
      places.map((a) => stateOfAddress(a, country)),
      (raw) => (typeof raw === "string" ? raw : null), hash),
    zp: await hashFirstUsable(
      places.map((a) => a.zip),
      (raw) => normalizeZip(raw, country), hash),
    country: await hashFirstUsable([country], normalizeCountry, hash),
    external_id: await hashFirstUsable([customer?.id], normalizeExternalId, hash),
  };
  const raw = options.noShopper
    ? {}
    : {
        client_ip_address: clientIp(order),
        client_user_agent: userAgent(order),
        fbp: fbp(order),
        fbc: fbc(order, eventTimeMs),
      };

  const userData: CapiUserData = {};
  for (const key of USER_DATA_KEYS) {
    const value = key in hashed ? hashed[key as keyof typeof hashed] : raw[key as keyof typeof raw];
    if (value !== null && value !== undefined) userData[key] = value;
  }
  return userData;
}
