// The pixel's and the server's mapping of one checkout agree (decision 0018): one generated model becomes both a
// live-shaped `checkout_completed` pixel event and the orders/paid payload Shopify sends for it; both mappings
// run under every setting combination, and every field the browser sends equals the server's (or it is omitted).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HASHED_USER_DATA_KEYS } from "../../app/tracking/capi-types";
import { CONTENT_ID_FORMATS } from "../../app/tracking/content-id";
import { trUrlsForEvent } from "../../app/tracking/pixel/pixel-event";
import { MAX_BROWSER_CONTENTS } from "../../app/tracking/pixel/browser-custom-data";
import { parsePixelSettings, webPixelSettingsFor } from "../../app/tracking/pixel/pixel-settings";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS, type PurchaseSettings } from "../../app/tracking/purchase-from-order";
import { FIXTURE, buildOrder } from "../../sim/fixtures/order-payloads";
import completed from "../../sim/fixtures/shopify/checkout-completed.json";

const PIXEL = "1234567890123456";

type Place = {
  first: string | null;
  last: string | null;
  city: string | null;
  zip: string | null;
  province: { code: string | null; name: string | null };
  country: { code: string | null; name: string | null };
  phone: string | null;
};
type Line = { variantId: number | null; productId: number | null; sku: string | null; quantity: number; cents: number };
type Model = {
  email: string | null;
  phone: string | null;
  billing: Place | null;
  shipping: Place | null;
  customer: { id: number; phone: string | null; email: string | null; defaultAddress: Place | null } | null;
  lines: Line[];
  shippingCents: number;
  taxCents: number;
  presentment: string;
  shop: string;
  /** Shop money per presentment unit, when the currencies differ. */
  rate: number;
};

// Phones as buyers and Shopify write them: E.164 (what checkout stores), the issue's `(0)` and extension cases,
// national numbers, separators, junk.
const phone = fc.constantFrom(
  "+16505551212",
  "+442079460958",
  "+4922112345678",
  "+49 (0)221 1234567",
  "+1 650 555 1212 x123",
  "(650) 555-1212",
  "030 12345678",
  "+44 020 7946 0958",
  "not a phone",
  "",
  null,
);
const country = fc.constantFrom(
  { code: "US", name: "United States" },
  { code: "DE", name: "Germany" },
  { code: "JP", name: "Japan" },
  { code: "CA", name: "Canada" },
  { code: "GB", name: "United Kingdom" },
  { code: null, name: "Germany" },
  { code: null, name: null },
  { code: "XX", name: null },
);
const province = fc.constantFrom(
  { code: "CA", name: "California" },
  { code: null, name: "California" },
  { code: "BY", name: "Bavaria" },
  { code: null, name: "Bavaria" },
  { code: "JP-13", name: "Tokyo" },
  { code: "QC", name: "Québec" },
  { code: null, name: null },
  { code: "US-NY", name: null },
);
const text = (values: string[]) => fc.oneof(fc.constantFrom(...values), fc.constant(null), fc.string({ maxLength: 6 }));
const place: fc.Arbitrary<Place> = fc.record({
  first: text(["Mary", "Jean-Luc", "Zoë", "정"]),
  last: text(["Major", "O'Brien", "Müller"]),
  city: text(["Menlo Park", "São Paulo", "Köln", "東京"]),
  zip: text(["94025-1234", "94025", "50667", "SW1A 1AA", "100-0001"]),
  province,
  country,
  phone,
});
const id = fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 });
const line: fc.Arbitrary<Line> = fc.record({
  variantId: fc.option(id, { freq: 6 }),
  productId: fc.option(id, { freq: 6 }),
  sku: fc.oneof(fc.constantFrom("LS-M-SAND", " TOTE-NAT ", ""), fc.constant(null)),
  quantity: fc.integer({ min: 1, max: 5 }),
  cents: fc.integer({ min: 0, max: 50_000 }),
});
const model: fc.Arbitrary<Model> = fc.record({
  email: fc.constantFrom("Mary.Major@example.com", " buyer@example.org ", "not-an-email", null),
  phone,
  billing: fc.option(place, { freq: 5 }),
  shipping: fc.option(place, { freq: 5 }),
  customer: fc.option(
    fc.record({ id, phone, email: fc.constantFrom("other@example.com", null), defaultAddress: fc.option(place) }),
    { freq: 4 },
  ),
  lines: fc.oneof({ weight: 6, arbitrary: fc.array(line, { minLength: 1, maxLength: 6 }) }, { weight: 1, arbitrary: fc.array(line, { minLength: 29, maxLength: 33 }) }),
  shippingCents: fc.integer({ min: 0, max: 3_000 }),
  taxCents: fc.integer({ min: 0, max: 3_000 }),
  presentment: fc.constantFrom("USD", "EUR"),
  shop: fc.constantFrom("USD", "EUR"),
  rate: fc.constantFrom(0.92, 1.09),
});
const settings: fc.Arbitrary<PurchaseSettings> = fc.record({
  valueSource: fc.constantFrom("presentment", "shop"),
  includeShipping: fc.boolean(),
  includeTax: fc.boolean(),
  unknownConsent: fc.constant("send"),
  contentId: fc.constantFrom(...CONTENT_ID_FORMATS),
  catalogCountry: fc.constantFrom("US", "DE"),
});

const money = (cents: number) => cents / 100;
const shopMoney = (m: Model, cents: number) => (m.shop === m.presentment ? money(cents) : Math.round(cents * m.rate) / 100);
const totalCents = (m: Model) => m.lines.reduce((sum, l) => sum + l.cents * l.quantity, 0) + m.shippingCents + m.taxCents;

function restAddress(p: Place | null) {
  if (p === null) return null;
  return {
    first_name: p.first, last_name: p.last, city: p.city, zip: p.zip, phone: p.phone,
    province_code: p.province.code, province: p.province.name, country_code: p.country.code, country: p.country.name,
  };
}

function pixelAddress(p: Place | null) {
  if (p === null) return null;
  return {
    firstName: p.first, lastName: p.last, city: p.city, zip: p.zip, phone: p.phone,
    provinceCode: p.province.code, province: p.province.name, countryCode: p.country.code, country: p.country.name,
  };
}

function moneySet(m: Model, cents: number) {
  return {
    shop_money: { amount: shopMoney(m, cents).toFixed(2), currency_code: m.shop },
    presentment_money: { amount: money(cents).toFixed(2), currency_code: m.presentment },
  };
}

function orderFor(m: Model) {
  return buildOrder({
    email: m.email,
    contact_email: m.email,
    phone: m.phone,
    billing_address: restAddress(m.billing),
    shipping_address: restAddress(m.shipping),
    customer: m.customer === null ? null : {
      id: m.customer.id, email: m.customer.email, phone: m.customer.phone, first_name: null, last_name: null,
      default_address: restAddress(m.customer.defaultAddress),
    },
    currency: m.shop,
    presentment_currency: m.presentment,
    total_price: shopMoney(m, totalCents(m)).toFixed(2),
    total_price_set: moneySet(m, totalCents(m)),
    total_tax: shopMoney(m, m.taxCents).toFixed(2),
    total_tax_set: moneySet(m, m.taxCents),
    total_shipping_price_set: moneySet(m, m.shippingCents),
    line_items: m.lines.map((l) => ({
      variant_id: l.variantId, product_id: l.productId, sku: l.sku, quantity: l.quantity, title: "Item",
      price: shopMoney(m, l.cents).toFixed(2), price_set: moneySet(m, l.cents),
    })),
  });
}

function checkoutEventFor(m: Model) {
  const amount = (cents: number) => ({ amount: money(cents), currencyCode: m.presentment });
  const checkout = {
    ...completed.data.checkout,
    email: m.email,
    phone: m.phone,
    billingAddress: pixelAddress(m.billing),
    shippingAddress: pixelAddress(m.shipping),
    currencyCode: m.presentment,
    lineItems: m.lines.map((l) => ({
      quantity: l.quantity,
      title: "Item",
      variant: {
        id: l.variantId === null ? null : String(l.variantId),
        sku: l.sku,
        price: amount(l.cents),
        product: { id: l.productId === null ? null : String(l.productId), title: "Item" },
      },
    })),
    shippingLine: { price: amount(m.shippingCents) },
    totalTax: amount(m.taxCents),
    totalPrice: amount(totalCents(m)),
    order: { id: `gid://shopify/OrderIdentity/${FIXTURE.orderId}`, customer: m.customer === null ? null : { id: `gid://shopify/Customer/${m.customer.id}` } },
  };
  return { ...completed, data: { checkout } };
}

async function serverEvent(m: Model, chosen: PurchaseSettings) {
  const mapping = await buildPurchaseFromOrder(orderFor(m), { nowMs: FIXTURE.nowMs, settings: chosen, storefrontUrl: FIXTURE.storefrontUrl });
  if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}: ${mapping.kind === "invalid" ? mapping.reason : mapping.reason}`);
  return mapping.event;
}

async function browserPurchase(m: Model, chosen: PurchaseSettings): Promise<URLSearchParams> {
  // Through the real settings round trip: what the server writes to Shopify is what the pixel parses.
  const pixelSettings = parsePixelSettings(webPixelSettingsFor([PIXEL], chosen));
  const urls = await trUrlsForEvent(checkoutEventFor(m), {
    pixelIds: pixelSettings.pixelIds,
    endpoint: "https://www.facebook.com/tr",
    cookies: { fbp: null, fbc: null },
    saleOfDataAllowed: true,
    mapping: pixelSettings,
    purchaseEventId: "TandemTwinPropertyId00",
  });
  expect(urls).toHaveLength(1);
  return new URL(urls[0] ?? "").searchParams;
}

const json = (value: string | null) => (value === null ? undefined : JSON.parse(value));

describe("browser and server twins of one checkout", () => {
  it("agree on every user_data key the browser sends, value, currency, contents, content ids and num_items, for every setting", async () => {
    const sent: Record<string, number> = {};
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(model, settings, async (m, chosen) => {
        runs += 1;
        const [browser, server] = await Promise.all([browserPurchase(m, chosen), serverEvent(m, chosen)]);
        for (const key of HASHED_USER_DATA_KEYS) {
          const value = browser.get(`ud[${key}]`);
          if (value === null) continue;
          sent[key] = (sent[key] ?? 0) + 1;
          expect(value, key).toBe(server.user_data[key]);
        }

        // The checkout knows the buyer's money only: a shop reporting in its own currency gets, for a purchase
        // paid in another, the presentment amount from the browser (decision 0018). Otherwise value is equal.
        const browserCurrencyDiffers = chosen.valueSource === "shop" && m.shop !== m.presentment;
        const expected = browserCurrencyDiffers ? await serverEvent(m, { ...chosen, valueSource: "presentment" }) : server;
        expect(Number(browser.get("cd[value]"))).toBe(expected.custom_data.value);
        expect(browser.get("cd[currency]")).toBe(expected.custom_data.currency);
        expect(browser.get("cd[content_type]")).toBe(server.custom_data.content_type);
        expect(Number(browser.get("cd[num_items]"))).toBe(server.custom_data.num_items);
        if (server.custom_data.contents.length > MAX_BROWSER_CONTENTS) {
          // Past the cap the browser leaves the lists out rather than send a part of them.
          expect(browser.get("cd[content_ids]")).toBeNull();
          expect(browser.get("cd[contents]")).toBeNull();
        } else {
          expect(json(browser.get("cd[content_ids]"))).toEqual(server.custom_data.content_ids);
          expect(json(browser.get("cd[contents]"))).toEqual(expected.custom_data.contents);
        }
      }),
      { numRuns: 400 },
    );
    // Not vacuous: every key the browser can send was sent (and compared) in many runs.
    for (const key of HASHED_USER_DATA_KEYS) expect(sent[key] ?? 0, key).toBeGreaterThan(runs / 20);
  }, 60_000);

  it("agree exactly on the live fixture under the defaults, all nine keys included", async () => {
    const m: Model = {
      email: "Mary.Major@example.com",
      phone: "+16505551212",
      billing: { first: "Mary", last: "Major", city: "Menlo Park", zip: "94025-1234", province: { code: "CA", name: "California" }, country: { code: "US", name: "United States" }, phone: "+16505551212" },
      shipping: null,
      customer: { id: 7123456789012, phone: null, email: null, defaultAddress: null },
      lines: [{ variantId: 45012345678901, productId: 8012345678901, sku: "LS-M-SAND", quantity: 2, cents: 2400 }],
      shippingCents: 500,
      taxCents: 543,
      presentment: "USD",
      shop: "EUR",
      rate: 0.92,
    };
    const browser = await browserPurchase(m, DEFAULT_PURCHASE_SETTINGS);
    const server = await serverEvent(m, DEFAULT_PURCHASE_SETTINGS);
    for (const key of HASHED_USER_DATA_KEYS) expect(browser.get(`ud[${key}]`), key).toBe(server.user_data[key]);
    expect(json(browser.get("cd[content_ids]"))).toEqual(["45012345678901"]);
  });
});
