import { describe, expect, it } from "vitest";
import type { PurchaseMapping, PurchaseSettings } from "../../app/tracking/purchase-from-order";
import { DEFAULT_PURCHASE_SETTINGS, buildPurchaseFromOrder } from "../../app/tracking/purchase-from-order";
import { sha256Hex } from "../../app/tracking/sha256";
import {
  FIXTURE,
  buildOrder,
  guestOrder,
  posOrder,
  withConsent,
  withEventIdAttribute,
  withNoteAttributes,
  withoutNoteAttributes,
} from "../../sim/fixtures/order-payloads";

// The fixture's browser_ip is a documentation address (203.0.113.0/24), which is never sent (decision 0016).
const PUBLIC_IP = "81.2.69.142";

const ctx = { nowMs: FIXTURE.nowMs, settings: DEFAULT_PURCHASE_SETTINGS, storefrontUrl: FIXTURE.storefrontUrl };

async function map(payload: unknown, settings: Partial<PurchaseSettings> = {}, nowMs = FIXTURE.nowMs) {
  return buildPurchaseFromOrder(payload, { ...ctx, nowMs, settings: { ...DEFAULT_PURCHASE_SETTINGS, ...settings } });
}

function eventOf(mapping: PurchaseMapping) {
  if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}`);
  return mapping;
}

describe("buildPurchaseFromOrder: the fixture order", () => {
  it("maps to a website Purchase named by the note attribute", async () => {
    const mapping = eventOf(await map(buildOrder()));
    expect(mapping).toMatchObject({
      eventId: FIXTURE.eventId,
      provenance: "note_attribute",
      orderId: FIXTURE.orderId,
      orderName: "#1001",
      eventTime: FIXTURE.processedAtMs / 1000,
    });
    expect(mapping.event).toMatchObject({
      event_name: "Purchase",
      event_id: FIXTURE.eventId,
      event_time: FIXTURE.processedAtMs / 1000,
      action_source: "website",
      // The landing page without its query (utm_*, fbclid): decision 0016. The click id still reaches Meta as fbc.
      event_source_url: `${FIXTURE.storefrontUrl}/products/linen-shirt`,
    });
    expect(mapping.event.data_processing_options).toBeUndefined();
  });

  it("hashes normalised customer data and forwards browser ids verbatim", async () => {
    const { event, matchKeys } = eventOf(await map(buildOrder({ browser_ip: PUBLIC_IP })));
    expect(event.user_data).toEqual({
      em: await sha256Hex("mary.major@example.com"),
      ph: "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
      fn: "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
      ln: await sha256Hex("major"),
      ct: await sha256Hex("menlopark"),
      st: await sha256Hex("ca"),
      zp: await sha256Hex("94025"),
      country: "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
      external_id: await sha256Hex(FIXTURE.customerId),
      client_ip_address: PUBLIC_IP,
      client_user_agent: FIXTURE.userAgent,
      fbp: FIXTURE.fbp,
      fbc: FIXTURE.fbc,
    });
    expect(matchKeys).toEqual([
      "em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id",
      "client_ip_address", "client_user_agent", "fbp", "fbc",
    ]);
  });

  it("reports presentment value, currency and variant contents by default", async () => {
    const { event } = eventOf(await map(buildOrder()));
    expect(event.custom_data).toEqual({
      value: 78.33,
      currency: "USD",
      contents: [
        { id: "45012345678901", quantity: 2, item_price: 24 },
        { id: "45012345678902", quantity: 1, item_price: 19.9 },
      ],
      content_ids: FIXTURE.contentIds,
      content_type: "product",
      num_items: 3,
      order_id: FIXTURE.orderId,
    });
  });
});

describe("buildPurchaseFromOrder: value settings", () => {
  it("uses shop money and shop item prices when the shop asks for its own currency", async () => {
    const { event } = eventOf(await map(buildOrder(), { valueSource: "shop" }));
    expect(event.custom_data.value).toBe(72.07);
    expect(event.custom_data.currency).toBe("EUR");
    expect(event.custom_data.contents.map((c) => c.item_price)).toEqual([22.08, 18.31]);
  });
  it("subtracts shipping and tax when they are excluded", async () => {
    expect(eventOf(await map(buildOrder(), { includeShipping: false })).event.custom_data.value).toBe(73.33);
    expect(eventOf(await map(buildOrder(), { includeTax: false })).event.custom_data.value).toBe(72.9);
    const both = await map(buildOrder(), { includeShipping: false, includeTax: false, valueSource: "shop" });
    expect(eventOf(both).event.custom_data.value).toBe(62.47);
  });
  it("never reports a negative value", async () => {
    const order = buildOrder({ total_tax_set: { presentment_money: { amount: "500.00" } } });
    expect(eventOf(await map(order, { includeTax: false })).event.custom_data.value).toBe(0);
  });
  it("falls back to total_price in the shop currency when price sets are missing", async () => {
    const order = buildOrder({ total_price_set: undefined, total_tax_set: undefined, total_shipping_price_set: undefined });
    const { event } = eventOf(await map(order, { includeTax: false }));
    expect(event.custom_data.value).toBe(67.07);
    expect(event.custom_data.currency).toBe("EUR");
  });
  it("uppercases the currency", async () => {
    const order = buildOrder({ total_price_set: { presentment_money: { currency_code: "usd" } } });
    expect(eventOf(await map(order)).event.custom_data.currency).toBe("USD");
  });
  it("names every line by the catalog id the shop chose, and leaves out a line without one rather than mixing formats", async () => {
    const order = buildOrder({
      line_items: [
        { variant_id: 45012345678901, product_id: 8012345678901, sku: "LS-M", quantity: 1, price: "1.00" },
        { product_id: 8012345678902, sku: "SKU-1", quantity: "2" },
        { variant_id: 1, quantity: 0 },
        { quantity: 1 },
        "garbage",
      ],
    });
    const ids = async (contentId: "variant" | "product" | "sku" | "shopify") => {
      const { event } = eventOf(await map(order, { ...DEFAULT_PURCHASE_SETTINGS, contentId, catalogCountry: "US" }));
      return [event.custom_data.content_ids, event.custom_data.content_type, event.custom_data.num_items];
    };
    expect(await ids("variant")).toEqual([["45012345678901"], "product", 1]);
    expect(await ids("product")).toEqual([["8012345678901", "8012345678902"], "product_group", 3]);
    expect(await ids("sku")).toEqual([["LS-M", "SKU-1"], "product", 3]);
    expect(await ids("shopify")).toEqual([["shopify_US_8012345678901_45012345678901"], "product", 1]);
  });
});

describe("buildPurchaseFromOrder: event id and time", () => {
  it("falls back to the checkout token when the note attribute is missing", async () => {
    const mapping = eventOf(await map(withoutNoteAttributes()));
    expect(mapping.eventId).toBe(`ck_${FIXTURE.checkoutToken}`);
    expect(mapping.provenance).toBe("checkout_token");
  });
  it("falls back to the checkout token when another app wrote garbage into the attribute", async () => {
    expect(eventOf(await map(withEventIdAttribute("not a valid id!"))).eventId).toBe(`ck_${FIXTURE.checkoutToken}`);
  });
  it("names POS orders by order id and reports them as physical-store events", async () => {
    const mapping = eventOf(await map(posOrder()));
    expect(mapping.eventId).toBe(`order_${FIXTURE.orderId}`);
    expect(mapping.provenance).toBe("order_id");
    expect(mapping.event.action_source).toBe("physical_store");
    expect(mapping.event.user_data.client_ip_address).toBeUndefined();
    expect(mapping.event.user_data.client_user_agent).toBeUndefined();
    expect(mapping.event.event_source_url).toBe(FIXTURE.storefrontUrl);
  });
  it("reads a gid order id when the numeric id is missing", async () => {
    const mapping = await map(buildOrder({ id: undefined }));
    expect(mapping.kind === "event" && mapping.orderId).toBe(FIXTURE.orderId);
  });
  it("falls back to created_at, and clamps future times to now", async () => {
    const created = await map(buildOrder({ processed_at: null }));
    expect(eventOf(created).eventTime).toBe(Date.parse("2025-11-04T10:15:02-05:00") / 1000);
    const early = FIXTURE.processedAtMs - 60_000;
    expect(eventOf(await map(buildOrder(), {}, early)).event.event_time).toBe(early / 1000);
  });
});

describe("buildPurchaseFromOrder: action source", () => {
  it.each([
    ["web", "website"],
    [null, "website"],
    ["pos", "physical_store"],
    ["subscription_contract", "system_generated"],
    ["shopify_draft_order", "other"],
    ["1234567", "website"],
  ])("maps source_name %s to %s", async (sourceName, actionSource) => {
    expect(eventOf(await map(buildOrder({ source_name: sourceName }))).event.action_source).toBe(actionSource);
  });
  it("treats an unknown channel without an online checkout as other", async () => {
    const order = buildOrder({ source_name: "1234567", checkout_token: null });
    expect(eventOf(await map(order)).event.action_source).toBe("other");
  });
});

describe("buildPurchaseFromOrder: orders with no shopper present", () => {
  // A renewal: Shopify copies the contract's attributes (the first checkout's fbp and fbc) onto the order.
  const renewal = () =>
    buildOrder({ source_name: "subscription_contract_checkout_one", checkout_token: null, browser_ip: "203.0.113.9", client_details: { browser_ip: "203.0.113.9", user_agent: "Mozilla/5.0 copied" } });

  it("sends no browser ids, IP or user agent: they belong to an earlier visit, not to this order", async () => {
    const { event, matchKeys } = eventOf(await map(renewal()));
    expect(event.action_source).toBe("system_generated");
    for (const key of ["fbp", "fbc", "client_ip_address", "client_user_agent"] as const) expect(event.user_data[key], key).toBeUndefined();
    expect(matchKeys).toEqual(["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id"]);
  });

  it("keeps them on a web order with the same attributes", async () => {
    const { event } = eventOf(await map(buildOrder()));
    expect(event.user_data).toMatchObject({ fbp: FIXTURE.fbp, fbc: FIXTURE.fbc, client_user_agent: FIXTURE.userAgent });
  });
});

describe("buildPurchaseFromOrder: event_source_url", () => {
  it("uses an absolute landing URL on the storefront's host", async () => {
    const landing = `${FIXTURE.storefrontUrl}/collections/all?fbclid=AbC`;
    expect(eventOf(await map(buildOrder({ landing_site: landing }))).event.event_source_url).toBe(`${FIXTURE.storefrontUrl}/collections/all`);
  });
  it("ignores landing URLs on other hosts", async () => {
    const order = buildOrder({ landing_site: "https://evil.example.net/?fbclid=AbC" });
    expect(eventOf(await map(order)).event.event_source_url).toBe(FIXTURE.storefrontUrl);
  });
});

describe("buildPurchaseFromOrder: fbc and fbp", () => {
  it("builds fbc from the landing page's fbclid when the attribute is missing or invalid", async () => {
    const expected = `fb.1.${FIXTURE.processedAtMs}.${FIXTURE.fbclid}`;
    expect(eventOf(await map(withoutNoteAttributes())).event.user_data.fbc).toBe(expected);
    const broken = withNoteAttributes({ _tandem_fbc: "fb.1.oops" });
    expect(eventOf(await map(broken)).event.user_data.fbc).toBe(expected);
  });
  it("omits fbc without attribute or click id, and fbp when the attribute is invalid", async () => {
    const order = withNoteAttributes({ _tandem_fbc: null, _tandem_fbp: "1234" }, buildOrder({ landing_site: "/" }));
    const { event, matchKeys } = eventOf(await map(order));
    expect(event.user_data.fbc).toBeUndefined();
    expect(event.user_data.fbp).toBeUndefined();
    expect(matchKeys).not.toContain("fbc");
    expect(matchKeys).not.toContain("fbp");
  });
  it("accepts the 5-segment Parameter Builder forms verbatim", async () => {
    const fbc = "fb.1.1762268100456.IwAR2F4-dbP0l7Mn.AQQCAQIB";
    const fbp = "fb.1.1762268000123.1234567890.Ag";
    const { event } = eventOf(await map(withNoteAttributes({ _tandem_fbc: fbc, _tandem_fbp: fbp })));
    expect(event.user_data.fbc).toBe(fbc);
    expect(event.user_data.fbp).toBe(fbp);
  });
});

describe("buildPurchaseFromOrder: user data sources", () => {
  it("uses the customer's email when the order has none, and the customer's phone after the order's own", async () => {
    const order = buildOrder({ email: null, contact_email: null, phone: null, customer: { phone: "+442079460958" } });
    const { event } = eventOf(await map(order));
    expect(event.user_data.em).toBe(await sha256Hex("mary.major@example.com"));
    // The billing address's phone is this order's, read before the customer record's (decision 0018).
    expect(event.user_data.ph).toBe(await sha256Hex("16505551212"));
    const noAddressPhones = buildOrder({
      phone: null,
      customer: { phone: "+442079460958", default_address: { phone: null } },
      billing_address: { phone: null },
      shipping_address: { phone: null },
    });
    expect(eventOf(await map(noAddressPhones)).event.user_data.ph).toBe(await sha256Hex("442079460958"));
  });
  it("adds the billing country's code to an address phone without one", async () => {
    const order = buildOrder({
      phone: null,
      customer: null,
      billing_address: { phone: "030 12345678", country_code: "DE", zip: "10115", province_code: null, province: null },
      shipping_address: null,
    });
    const { event } = eventOf(await map(order));
    expect(event.user_data.ph).toBe(await sha256Hex("493012345678"));
    expect(event.user_data.country).toBe(await sha256Hex("de"));
    expect(event.user_data.zp).toBe(await sha256Hex("10115"));
    expect(event.user_data.st).toBeUndefined();
  });
  it("falls back to state and country names when Shopify gives no codes", async () => {
    const order = buildOrder({
      billing_address: { country_code: null, country: "Germany", province_code: null, province: "Bavaria", zip: "80331" },
      shipping_address: null,
    });
    const { event } = eventOf(await map(order));
    expect(event.user_data.country).toBe(await sha256Hex("de"));
    expect(event.user_data.st).toBe(await sha256Hex("bavaria"));
    const us = eventOf(await map(buildOrder({ billing_address: { country_code: null, country: "United States", province_code: null, province: "California" } })));
    expect(us.event.user_data.st).toBe(await sha256Hex("ca"));
    expect(us.event.user_data.country).toBe(await sha256Hex("us"));
  });
  it("sends a Japanese prefecture by name, never the JP-13 code", async () => {
    const order = buildOrder({
      billing_address: { country_code: "JP", country: "Japan", province_code: "JP-13", province: "Tōkyō", zip: "100-0001", phone: null },
      shipping_address: null,
    });
    const { event } = eventOf(await map(order));
    expect(event.user_data.st).toBe(await sha256Hex("tokyo"));
    expect(event.user_data.st).not.toBe(await sha256Hex("jp13"));
    expect(event.user_data.zp).toBe(await sha256Hex("1000001"));
  });
  it("takes address fields from shipping, then the default address, when billing is missing", async () => {
    const order = buildOrder({ billing_address: null, shipping_address: null });
    const { event } = eventOf(await map(order));
    expect(event.user_data.ct).toBe(await sha256Hex("menlopark"));
    expect(event.user_data.zp).toBe(await sha256Hex("94025"));
  });
  it("omits external_id for guest checkouts", async () => {
    const { event, matchKeys } = eventOf(await map(guestOrder()));
    expect(event.user_data.external_id).toBeUndefined();
    expect(matchKeys).not.toContain("external_id");
  });
  it("uses client_details.browser_ip when browser_ip is missing, and drops non-IP values", async () => {
    const fromDetails = await map(buildOrder({ browser_ip: null, client_details: { browser_ip: "2a02:8070:abcd::1" } }));
    expect(eventOf(fromDetails).event.user_data.client_ip_address).toBe("2a02:8070:abcd::1");
    const junk = await map(buildOrder({ browser_ip: "not an ip", client_details: { browser_ip: null } }));
    expect(eventOf(junk).event.user_data.client_ip_address).toBeUndefined();
  });
  it("sends only a public client_ip_address: private, CGNAT and documentation addresses are left out", async () => {
    for (const ip of ["192.168.1.20", "100.64.3.4", "127.0.0.1", "fd00::1", FIXTURE.browserIp]) {
      const { event, matchKeys } = eventOf(await map(buildOrder({ browser_ip: ip, client_details: { browser_ip: null } })));
      expect(event.user_data.client_ip_address).toBeUndefined();
      expect(matchKeys).not.toContain("client_ip_address");
    }
    // A private browser_ip does not hide a public one in client_details.
    const fallback = await map(buildOrder({ browser_ip: "10.0.0.7", client_details: { browser_ip: PUBLIC_IP } }));
    expect(eventOf(fallback).event.user_data.client_ip_address).toBe(PUBLIC_IP);
  });
  it("cuts query and fragment off event_source_url, for absolute and relative landing pages alike", async () => {
    const relative = await map(withoutNoteAttributes(buildOrder({ landing_site: "/pages/offer?email=mary%40example.com&fbclid=IwAR2F4#reviews" })));
    expect(eventOf(relative).event.event_source_url).toBe(`${FIXTURE.storefrontUrl}/pages/offer`);
    expect(eventOf(relative).event.user_data.fbc).toMatch(/\.IwAR2F4$/);
    const absolute = await map(buildOrder({ landing_site: `${FIXTURE.storefrontUrl}/collections/all?ref=a#x` }));
    expect(eventOf(absolute).event.event_source_url).toBe(`${FIXTURE.storefrontUrl}/collections/all`);
    const none = await map(buildOrder({ landing_site: null }));
    expect(eventOf(none).event.event_source_url).toBe(FIXTURE.storefrontUrl);
  });
  it("never hashes a value that is already a SHA-256 digest", async () => {
    const digest = await sha256Hex("mary.major@example.com");
    const order = buildOrder({ email: digest.toUpperCase() });
    expect(eventOf(await map(order)).event.user_data.em).toBe(digest);
  });
});

describe("buildPurchaseFromOrder: consent", () => {
  it("skips the order when marketing is denied", async () => {
    const mapping = await map(withConsent("m0;a1;s1"));
    expect(mapping).toMatchObject({ kind: "skipped", reason: "no_consent", eventId: FIXTURE.eventId });
    expect(mapping).not.toHaveProperty("event");
  });
  it("sends unknown consent by default and skips it when the shop says so", async () => {
    expect((await map(withConsent(null))).kind).toBe("event");
    expect((await map(withConsent("garbage"))).kind).toBe("event");
    expect(await map(withConsent(null), { unknownConsent: "skip" })).toMatchObject({
      kind: "skipped",
      reason: "no_consent_unknown",
    });
  });
  it("sends granted consent even when the shop skips unknown consent", async () => {
    expect((await map(buildOrder(), { unknownConsent: "skip" })).kind).toBe("event");
  });
  it("flags Limited Data Use when sale of data is denied", async () => {
    const { event } = eventOf(await map(withConsent("m1;a1;s0")));
    expect(event.data_processing_options).toEqual(["LDU"]);
    expect(event.data_processing_options_country).toBe(0);
    expect(event.data_processing_options_state).toBe(0);
  });
});

describe("buildPurchaseFromOrder: invalid payloads", () => {
  it.each([
    ["a string", "order"],
    ["null", null],
    ["an array", []],
  ])("rejects %s with a reason", async (_label, payload) => {
    expect(await map(payload)).toEqual({ kind: "invalid", reason: "payload is not a JSON object", orderId: null });
  });
  it("rejects an order without an id", async () => {
    expect(await map(buildOrder({ id: undefined, admin_graphql_api_id: undefined }))).toEqual({
      kind: "invalid",
      reason: "order has no usable id",
      orderId: null,
    });
  });
  it("rejects an order without money, naming the order", async () => {
    const order = buildOrder({ total_price_set: null, total_price: null });
    expect(await map(order)).toEqual({
      kind: "invalid",
      reason: "order has no total price with a currency",
      orderId: FIXTURE.orderId,
    });
  });
  it("tolerates null client_details, missing note_attributes and missing customer", async () => {
    const order = buildOrder({ client_details: null, note_attributes: undefined, customer: undefined });
    const mapping = eventOf(await map(order));
    expect(mapping.provenance).toBe("checkout_token");
    expect(mapping.event.user_data.client_ip_address).toBeUndefined();
    const withPublic = eventOf(await map(buildOrder({ browser_ip: PUBLIC_IP, client_details: null, note_attributes: undefined, customer: undefined })));
    expect(withPublic.event.user_data.client_ip_address).toBe(PUBLIC_IP);
  });
});
