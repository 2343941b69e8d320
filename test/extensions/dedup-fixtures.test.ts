import { describe, expect, it } from "vitest";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import type { PurchaseSettings } from "../../app/tracking/purchase-from-order";
import { trUrlsForEvent } from "../../app/tracking/pixel/pixel-event";
import { FIXTURE, buildOrder, posOrder, withNoteAttributes, withoutNoteAttributes } from "../fixtures/factories";
import type { OrderPayload } from "../fixtures/factories";
import withAttribute from "../fixtures/shopify/checkout-completed.json";
import buyItNow from "../fixtures/shopify/checkout-completed-buy-it-now.json";
import garbage from "../fixtures/shopify/checkout-completed-garbage-attributes.json";

// One rule, both sides, same fixtures (issue 3): the browser Purchase and the server Purchase built from
// the same order must share event_id, value, currency and contents, so Meta counts the order once.
const PIXEL = "1234567890123456";

async function browserPurchase(event: unknown, settings: PurchaseSettings): Promise<URLSearchParams> {
  const urls = await trUrlsForEvent(event, {
    pixelIds: [PIXEL],
    endpoint: "https://www.facebook.com/tr",
    cookies: { fbp: null, fbc: null },
    saleOfDataAllowed: true,
    valueSettings: { includeShipping: settings.includeShipping, includeTax: settings.includeTax },
  });
  expect(urls).toHaveLength(1);
  return new URL(urls[0] ?? "").searchParams;
}

async function serverPurchase(order: OrderPayload, settings: PurchaseSettings) {
  const mapping = await buildPurchaseFromOrder(order, {
    nowMs: FIXTURE.nowMs,
    settings,
    storefrontUrl: FIXTURE.storefrontUrl,
  });
  if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}`);
  return mapping;
}

const PAIRS = [
  { name: "with the event id attribute", event: withAttribute, order: () => buildOrder(), provenance: "note_attribute" },
  { name: "buy it now (checkout token only)", event: buyItNow, order: () => withoutNoteAttributes(), provenance: "checkout_token" },
  {
    name: "attribute overwritten by garbage",
    event: garbage,
    order: () =>
      withNoteAttributes({ _tandem_event_id: "not a valid id!", _tandem_fbp: "garbage", _tandem_fbc: "fb.x.y", _tandem_click_ids: null }),
    provenance: "checkout_token",
  },
] as const;

const SETTINGS: Record<string, PurchaseSettings> = {
  default: DEFAULT_PURCHASE_SETTINGS,
  "excluding shipping and tax": { ...DEFAULT_PURCHASE_SETTINGS, includeShipping: false, includeTax: false },
};

describe("browser and server Purchase twins", () => {
  for (const pair of PAIRS) {
    for (const [settingsName, settings] of Object.entries(SETTINGS)) {
      it(`agree on event id, value, currency and contents: ${pair.name}, ${settingsName}`, async () => {
        const browser = await browserPurchase(pair.event, settings);
        const server = await serverPurchase(pair.order(), settings);

        expect(browser.get("ev")).toBe(server.event.event_name);
        expect(browser.get("eid")).toBe(server.event.event_id);
        expect(server.provenance).toBe(pair.provenance);
        expect(Number(browser.get("cd[value]"))).toBe(server.event.custom_data.value);
        expect(browser.get("cd[currency]")).toBe(server.event.custom_data.currency);
        expect(JSON.parse(browser.get("cd[content_ids]") ?? "null")).toEqual(server.event.custom_data.content_ids);
        expect(JSON.parse(browser.get("cd[contents]") ?? "null")).toEqual(server.event.custom_data.contents);
        expect(Number(browser.get("cd[num_items]"))).toBe(server.event.custom_data.num_items);
      });
    }

    it(`hash the same advanced-matching keys alike: ${pair.name}`, async () => {
      const browser = await browserPurchase(pair.event, DEFAULT_PURCHASE_SETTINGS);
      const server = await serverPurchase(pair.order(), DEFAULT_PURCHASE_SETTINGS);
      for (const key of ["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id"] as const) {
        expect(browser.get(`ud[${key}]`), key).toBe(server.event.user_data[key]);
      }
    });
  }

  it("names the attribute case by the embed's id and the fallbacks by the checkout token", async () => {
    const named = await browserPurchase(withAttribute, DEFAULT_PURCHASE_SETTINGS);
    const fallback = await browserPurchase(buyItNow, DEFAULT_PURCHASE_SETTINGS);
    expect(named.get("eid")).toBe(FIXTURE.eventId);
    expect(fallback.get("eid")).toBe(`ck_${FIXTURE.checkoutToken}`);
  });

  it("carries the embed's fbp and fbc from the checkout attributes when no cookie is readable", async () => {
    const browser = await browserPurchase(withAttribute, DEFAULT_PURCHASE_SETTINGS);
    const server = await serverPurchase(buildOrder(), DEFAULT_PURCHASE_SETTINGS);
    expect(browser.get("fbp")).toBe(FIXTURE.fbp);
    expect(browser.get("fbc")).toBe(FIXTURE.fbc);
    expect(server.event.user_data.fbp).toBe(FIXTURE.fbp);
  });

  it("drops garbage fbp and fbc attributes instead of forwarding them", async () => {
    const browser = await browserPurchase(garbage, DEFAULT_PURCHASE_SETTINGS);
    expect(browser.get("fbp")).toBeNull();
    expect(browser.get("fbc")).toBeNull();
  });

  it("gives a POS order an order-id event id that no browser checkout can produce", async () => {
    const server = await serverPurchase(posOrder(), DEFAULT_PURCHASE_SETTINGS);
    expect(server.provenance).toBe("order_id");
    expect(server.event.event_id).toBe(`order_${FIXTURE.orderId}`);
    for (const event of [withAttribute, buyItNow, garbage]) {
      const browser = await browserPurchase(event, DEFAULT_PURCHASE_SETTINGS);
      expect(browser.get("eid")).not.toBe(server.event.event_id);
    }
  });
});
