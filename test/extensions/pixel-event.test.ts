import { describe, expect, it } from "vitest";
import { parsePixelIds, trUrlsForEvent } from "../../app/tracking/pixel/pixel-event";
import { parsePixelSettings, webPixelSettingsFor } from "../../app/tracking/pixel/pixel-settings";
import { DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-settings";
import type { PixelContext } from "../../app/tracking/pixel/pixel-event";
import purchase from "../../sim/fixtures/shopify/checkout-completed.json";
import started from "../../sim/fixtures/shopify/checkout-started.json";

const CTX: PixelContext = {
  pixelIds: ["1234567890123456"],
  endpoint: "http://127.0.0.1:9/tr",
  cookies: { fbp: "fb.2.1762000000000.987654321", fbc: null },
  saleOfDataAllowed: true,
};

function params(url: string | undefined): URLSearchParams {
  return new URL(url ?? "").searchParams;
}

const productViewed = {
  id: "sh-pv-1",
  name: "product_viewed",
  timestamp: "2025-11-04T15:00:00.000Z",
  context: { document: { location: { href: "https://shop.example.com/products/linen-shirt?fbclid=AbC" }, referrer: "" } },
  data: {
    productVariant: {
      id: "gid://shopify/ProductVariant/45012345678901",
      price: { amount: 24, currencyCode: "USD" },
      product: { id: "gid://shopify/Product/8012345678901", title: "Linen Shirt" },
    },
  },
};

describe("trUrlsForEvent", () => {
  it("maps product_viewed to ViewContent named by the Shopify event id, at the event's own time", async () => {
    const [url] = await trUrlsForEvent(productViewed, CTX);
    const p = params(url);
    expect(url?.startsWith("http://127.0.0.1:9/tr?")).toBe(true);
    expect(p.get("ev")).toBe("ViewContent");
    expect(p.get("eid")).toBe("sh-pv-1");
    expect(p.get("ts")).toBe(String(Date.parse("2025-11-04T15:00:00.000Z")));
    expect(p.get("dl")).toBe("https://shop.example.com/products/linen-shirt?fbclid=AbC");
    expect(p.get("rl")).toBeNull();
    expect(p.get("cd[content_ids]")).toBe('["45012345678901"]');
    expect(p.get("cd[value]")).toBe("24");
    expect(p.get("fbp")).toBe("fb.2.1762000000000.987654321");
  });

  it("prefers the live _fbp cookie over the attribute the embed wrote earlier", async () => {
    const p = params((await trUrlsForEvent(started, CTX))[0]);
    expect(p.get("fbp")).toBe("fb.2.1762000000000.987654321");
    expect(p.get("fbc")).toBe("fb.1.1762268100456.IwAR2F4-dbP0l7Mn");
  });

  it("names a live checkout_completed (no attributes) by the purchase ledger's id when it has one", async () => {
    const decided = params((await trUrlsForEvent(purchase, { ...CTX, purchaseEventId: "Zq3v9XkPq2mW8rTn4LbY1A" }))[0]);
    expect([decided.get("ev"), decided.get("eid")]).toEqual(["Purchase", "Zq3v9XkPq2mW8rTn4LbY1A"]);
    const alone = params((await trUrlsForEvent(purchase, CTX))[0]);
    expect(alone.get("eid")).toBe("ck_a1b2c3d4e5f60718293a4b5c6d7e8f90");
  });

  it("reads live ids: digit-string variants for contents, the OrderIdentity gid for order_id", async () => {
    const p = params((await trUrlsForEvent(purchase, CTX))[0]);
    expect(p.get("cd[content_ids]")).toBe('["45012345678901","45012345678902"]');
    expect(p.get("cd[order_id]")).toBe("5812345678901");
  });

  it("ignores malformed events without throwing", async () => {
    const malformed = [
      null,
      "checkout_completed",
      42,
      [],
      { name: "checkout_completed" },
      { name: "checkout_completed", timestamp: "2025-11-04T15:00:00.000Z" },
      { ...purchase, data: "x" },
      { ...purchase, data: { checkout: [] } },
      { ...purchase, timestamp: null },
    ];
    for (const event of malformed) expect(await trUrlsForEvent(event, CTX)).toEqual([]);
  });

  it("sends one request per configured pixel", async () => {
    const urls = await trUrlsForEvent(purchase, { ...CTX, pixelIds: ["111111", "222222"] });
    expect(urls.map((url) => params(url).get("id"))).toEqual(["111111", "222222"]);
  });

  it("flags Limited Data Use when the visitor denied the sale of data", async () => {
    const p = params((await trUrlsForEvent(purchase, { ...CTX, saleOfDataAllowed: false }))[0]);
    expect([p.get("dpo"), p.get("dpoco"), p.get("dpost")]).toEqual(["LDU", "0", "0"]);
    const allowed = params((await trUrlsForEvent(purchase, CTX))[0]);
    expect(allowed.get("dpo")).toBeNull();
  });

  it("sends nothing for unmapped events, events without a time, or without pixel ids", async () => {
    expect(await trUrlsForEvent({ ...productViewed, name: "cart_viewed" }, CTX)).toEqual([]);
    expect(await trUrlsForEvent({ ...started, name: "checkout_shipping_info_submitted" }, CTX)).toEqual([]);
    expect(await trUrlsForEvent({ ...productViewed, timestamp: "yesterday" }, CTX)).toEqual([]);
    expect(await trUrlsForEvent(productViewed, { ...CTX, pixelIds: [] })).toEqual([]);
  });

  it("maps search and add-to-cart payloads", async () => {
    const search = params(
      (await trUrlsForEvent({ ...productViewed, name: "search_submitted", data: { searchResult: { query: "linen" } } }, CTX))[0],
    );
    expect([search.get("ev"), search.get("cd[search_string]")]).toEqual(["Search", "linen"]);
    const added = params(
      (
        await trUrlsForEvent(
          {
            ...productViewed,
            name: "product_added_to_cart",
            data: {
              cartLine: {
                quantity: 2,
                merchandise: productViewed.data.productVariant,
                cost: { totalAmount: { amount: 48, currencyCode: "USD" } },
              },
            },
          },
          CTX,
        )
      )[0],
    );
    expect([added.get("ev"), added.get("cd[value]"), added.get("cd[num_items]")]).toEqual(["AddToCart", "48", "2"]);
  });
});

describe("parsePixelIds", () => {
  it("reads a comma-separated list and ignores anything that is not a pixel id", () => {
    expect(parsePixelIds({ pixelIds: " 1234567890, 987654321 ,abc,1234567890" })).toEqual(["1234567890", "987654321"]);
    expect(parsePixelIds({ pixelId: "1234567890" })).toEqual([]);
    expect(parsePixelIds(null)).toEqual([]);
  });
});

describe("parsePixelSettings", () => {
  it("reads settings written before the mapping fields existed as the old behaviour (value with shipping and tax, variant ids)", () => {
    expect(parsePixelSettings({ pixelIds: "1234567890" })).toEqual({
      pixelIds: ["1234567890"], includeShipping: true, includeTax: true, contentId: "variant", catalogCountry: "",
    });
  });
  it("reads what the server writes, and malformed values as their defaults", () => {
    const written = webPixelSettingsFor(["1234567890"], { ...DEFAULT_PURCHASE_SETTINGS, includeTax: false, contentId: "shopify", catalogCountry: "GB" });
    expect(parsePixelSettings(written)).toMatchObject({ includeShipping: true, includeTax: false, contentId: "shopify", catalogCountry: "GB" });
    expect(parsePixelSettings({ pixelIds: "1234567890", contentId: "product" })).toMatchObject({ contentId: "product", catalogCountry: "" });
    for (const contentId of ["shopify_", "shopify_usa", "gtin", 7, "SKU"]) {
      expect(parsePixelSettings({ pixelIds: "1234567890", contentId, includeTax: "no" })).toMatchObject({ contentId: "variant", includeTax: true });
    }
  });
});
