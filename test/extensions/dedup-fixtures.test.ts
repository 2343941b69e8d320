import { describe, expect, it } from "vitest";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import type { PurchaseSettings } from "../../app/tracking/purchase-from-order";
import { trUrlsForEvent } from "../../app/tracking/pixel/pixel-event";
import { createPurchaseIdLedger } from "../../app/tracking/pixel/purchase-id-ledger";
import {
  cartChangedAfterCapture,
  createMemoryStorage,
  expressCheckout,
  fullCheckout,
  noAttributesBeforeCompletion,
  thankYouReloaded,
} from "../../sim/fixtures/checkout-events";
import type { CheckoutSequence, PixelEvent } from "../../sim/fixtures/checkout-events";
import { FIXTURE, buildOrder, posOrder, withNoteAttributes } from "../../sim/fixtures/order-payloads";
import type { OrderPayload } from "../../sim/fixtures/order-payloads";
import garbage from "../../sim/fixtures/shopify/checkout-completed-garbage-attributes.json";
import started from "../../sim/fixtures/shopify/checkout-started.json";

// One rule, both sides, live-shaped fixtures (issues 3 and 11): the browser Purchase the pixel sends after a
// whole checkout sequence and the server Purchase built from the same order must share event_id, value,
// currency and contents, so Meta counts the order once.
const PIXEL = "1234567890123456";
const NOW_MS = Date.parse("2025-11-04T15:20:00.000Z");

function ctx(settings: PurchaseSettings, purchaseEventId: string | null = null) {
  return {
    pixelIds: [PIXEL],
    endpoint: "https://www.facebook.com/tr",
    cookies: { fbp: null, fbc: null },
    saleOfDataAllowed: true,
    mapping: { includeShipping: settings.includeShipping, includeTax: settings.includeTax, contentId: settings.contentId ?? "variant", catalogCountry: settings.catalogCountry ?? "" },
    purchaseEventId,
  };
}

/** Every page of the sequence through one ledger on one storage, as the extension's index.ts does. */
async function browserPurchases(sequence: CheckoutSequence, settings: PurchaseSettings): Promise<URLSearchParams[]> {
  const storage = createMemoryStorage();
  const purchases: URLSearchParams[] = [];
  for (const page of sequence.pages) {
    const ledger = createPurchaseIdLedger(storage);
    for (const event of page) {
      const purchaseEventId = await ledger.observe(event);
      if (event.name !== "checkout_completed") continue;
      const urls = await trUrlsForEvent(event, ctx(settings, purchaseEventId));
      expect(urls).toHaveLength(1);
      purchases.push(new URL(urls[0] ?? "").searchParams);
    }
  }
  return purchases;
}

async function serverPurchase(order: OrderPayload, settings: PurchaseSettings) {
  const mapping = await buildPurchaseFromOrder(order, { nowMs: NOW_MS, settings, storefrontUrl: FIXTURE.storefrontUrl });
  if (mapping.kind !== "event") throw new Error(`expected an event, got ${mapping.kind}`);
  return mapping;
}

const AT = { atMs: NOW_MS - 120_000 };
const garbageSequence: CheckoutSequence = {
  ...expressCheckout(90, AT),
  label: "attribute overwritten by garbage (on the order and on checkout_completed)",
  pages: [[garbage as unknown as PixelEvent]],
  order: withNoteAttributes(
    { _tandem_event_id: "not a valid id!", _tandem_fbp: "garbage", _tandem_fbc: "fb.x.y", _tandem_click_ids: null },
    buildOrder({ processed_at: new Date(NOW_MS - 60_000).toISOString() }),
  ),
  expectedEventId: `ck_${FIXTURE.checkoutToken}`,
  token: FIXTURE.checkoutToken,
  orderId: Number(FIXTURE.orderId),
};

const SEQUENCES: Array<{ sequence: CheckoutSequence; provenance: string }> = [
  { sequence: fullCheckout(1, AT), provenance: "note_attribute" },
  { sequence: noAttributesBeforeCompletion(2, AT), provenance: "checkout_token" },
  { sequence: expressCheckout(3, AT), provenance: "checkout_token" },
  { sequence: expressCheckout(4, { ...AT, started: true }), provenance: "checkout_token" },
  { sequence: thankYouReloaded(5, AT), provenance: "note_attribute" },
  { sequence: cartChangedAfterCapture(6, AT), provenance: "note_attribute" },
  { sequence: garbageSequence, provenance: "checkout_token" },
];

const SETTINGS: Record<string, PurchaseSettings> = {
  default: DEFAULT_PURCHASE_SETTINGS,
  "excluding shipping and tax": { ...DEFAULT_PURCHASE_SETTINGS, includeShipping: false, includeTax: false },
};

describe("browser and server Purchase twins over live-shaped checkout sequences", () => {
  for (const { sequence, provenance } of SEQUENCES) {
    for (const [settingsName, settings] of Object.entries(SETTINGS)) {
      it(`agree on event id, value, currency and contents: ${sequence.label}, ${settingsName}`, async () => {
        const browser = await browserPurchases(sequence, settings);
        const server = await serverPurchase(sequence.order, settings);

        expect(server.provenance).toBe(provenance);
        expect(server.event.event_id).toBe(sequence.expectedEventId);
        expect(browser.length).toBeGreaterThan(0);
        for (const purchase of browser) {
          expect(purchase.get("ev")).toBe(server.event.event_name);
          expect(purchase.get("eid")).toBe(server.event.event_id);
          expect(Number(purchase.get("cd[value]"))).toBe(server.event.custom_data.value);
          expect(purchase.get("cd[currency]")).toBe(server.event.custom_data.currency);
          expect(JSON.parse(purchase.get("cd[content_ids]") ?? "null")).toEqual(server.event.custom_data.content_ids);
          expect(JSON.parse(purchase.get("cd[contents]") ?? "null")).toEqual(server.event.custom_data.contents);
          expect(Number(purchase.get("cd[num_items]"))).toBe(server.event.custom_data.num_items);
          expect(purchase.get("cd[order_id]")).toBe(String(sequence.orderId));
        }
      });
    }

    it(`hash the same advanced-matching keys alike: ${sequence.label}`, async () => {
      const [browser] = await browserPurchases(sequence, DEFAULT_PURCHASE_SETTINGS);
      const server = await serverPurchase(sequence.order, DEFAULT_PURCHASE_SETTINGS);
      for (const key of ["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id"] as const) {
        expect(browser?.get(`ud[${key}]`), key).toBe(server.event.user_data[key]);
      }
    });
  }

  it("carries the embed's fbp and fbc from the checkout attributes when no cookie is readable", async () => {
    const [url] = await trUrlsForEvent(started, ctx(DEFAULT_PURCHASE_SETTINGS));
    const browser = new URL(url ?? "").searchParams;
    const server = await serverPurchase(buildOrder(), DEFAULT_PURCHASE_SETTINGS);
    expect(browser.get("ev")).toBe("InitiateCheckout");
    expect(browser.get("fbp")).toBe(FIXTURE.fbp);
    expect(browser.get("fbc")).toBe(FIXTURE.fbc);
    expect(server.event.user_data.fbp).toBe(FIXTURE.fbp);
  });

  it("drops garbage fbp and fbc attributes instead of forwarding them", async () => {
    const [browser] = await browserPurchases(garbageSequence, DEFAULT_PURCHASE_SETTINGS);
    expect(browser?.get("fbp")).toBeNull();
    expect(browser?.get("fbc")).toBeNull();
  });

  it("gives a POS order an order-id event id that no browser checkout can produce", async () => {
    const server = await serverPurchase(posOrder(), DEFAULT_PURCHASE_SETTINGS);
    expect(server.provenance).toBe("order_id");
    expect(server.event.event_id).toBe(`order_${FIXTURE.orderId}`);
    for (const { sequence } of SEQUENCES) {
      for (const browser of await browserPurchases(sequence, DEFAULT_PURCHASE_SETTINGS)) {
        expect(browser.get("eid")).not.toBe(server.event.event_id);
      }
    }
  });
});
