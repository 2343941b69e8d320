import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectorUrlFor } from "../../app/shopify/activate-web-pixel.server";
import { configureShop } from "../../app/shops/configure-shop.server";
import { webPixelSettingsFor } from "../../app/tracking/pixel/pixel-settings";
import { DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-settings";
import {
  cartChangedAfterCapture,
  checkoutIds,
  expressCheckout,
  fullCheckout,
  noAttributesBeforeCompletion,
  paidOrderFor,
  thankYouReloaded,
} from "../../sim/fixtures/checkout-events";
import type { CheckoutSequence } from "../../sim/fixtures/checkout-events";
import { posOrder } from "../../sim/fixtures/order-payloads";
import { startHttpApp } from "../scale/http-app";
import type { HttpApp } from "../scale/http-app";
import type { HarnessInit } from "./pixel-harness";
import { startPixelRig, type PixelRig } from "./pixel-rig";

// End to end, both channels: the real pixel bundle in a Chromium Web Worker receives live-shaped checkout
// sequences (checkout_completed without attributes, as live stores send it) and its /tr requests reach the
// Meta simulator; the signed orders/paid webhook for the same checkout goes through the real HTTP server,
// whose delivery thread sends the server Purchase to the same simulator. Meta's dedup ledger then says how
// many times each purchase counts.
const SHOP = "dedup-e2e.myshopify.com";
const PIXEL = "5551234567890123";
const TOKEN = "EAAB-dedup-e2e";

let app: HttpApp;
let rig: PixelRig;

const INIT: HarnessInit = {
  settings: { pixelIds: PIXEL },
  cookies: { _fbp: "fb.1.1762268000123.1234567890" },
  customerPrivacy: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: true },
};

beforeAll(async () => {
  app = await startHttpApp({ [PIXEL]: TOKEN });
  await configureShop(app.context, SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
  rig = await startPixelRig(`${app.sim.url}/tr`, "tandem-pixel-e2e-");
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await app?.close();
});

beforeEach(() => app.sim.reset());

/** Plays every page load of the sequence in a fresh pixel on one shopper's storage. */
async function playInBrowser(sequence: CheckoutSequence, init: HarnessInit = INIT): Promise<string[]> {
  const pixel = await rig.open(init);
  try {
    for (const events of sequence.pages) {
      await pixel.load();
      await pixel.emit(events);
    }
    return await pixel.errors();
  } finally {
    await pixel.close();
  }
}

async function sendPaidOrder(order: object, webhookId: string): Promise<void> {
  const { status } = await app.client.send("orders/paid", SHOP, order, { webhookId });
  expect(status).toBe(200);
}

async function serverPurchaseArrives(eventId: string): Promise<void> {
  await expect
    .poll(() => app.sim.accepted.filter((event) => event.event.event_name === "Purchase").map((event) => event.event.event_id), {
      timeout: 15_000,
    })
    .toContain(eventId);
}

function purchasesInLedger() {
  return app.sim.ledger().filter((entry) => entry.eventName === "Purchase");
}

const DEDUPLICATED_CASES: Array<{ name: string; sequence: () => CheckoutSequence; browserPurchases: number }> = [
  {
    name: "counts the purchase once when only the earlier checkout events carried the event id",
    sequence: () => fullCheckout(1),
    browserPurchases: 1,
  },
  {
    name: "counts the purchase once under ck_<token> when the cart never had an event id",
    sequence: () => noAttributesBeforeCompletion(2),
    browserPurchases: 1,
  },
  {
    name: "counts an express checkout that fired only checkout_completed once",
    sequence: () => expressCheckout(3),
    browserPurchases: 1,
  },
  {
    name: "counts an express checkout that skipped from checkout_started to checkout_completed once",
    sequence: () => expressCheckout(4, { started: true }),
    browserPurchases: 1,
  },
  {
    name: "sends a reloaded thank-you page's Purchase under the same id, and Meta still counts one purchase",
    sequence: () => thankYouReloaded(5),
    browserPurchases: 2,
  },
  {
    name: "uses the newer id when the cart changed after the first capture, and Meta counts one purchase",
    sequence: () => cartChangedAfterCapture(6),
    browserPurchases: 1,
  },
];

describe("one purchase id on both sides, end to end (real pixel in Chromium, real server, Meta simulator)", () => {
  for (const testCase of DEDUPLICATED_CASES) {
    it(testCase.name, async () => {
      const sequence = testCase.sequence();
      // GIVEN the shopper's checkout, page by page, in the real pixel
      expect(await playInBrowser(sequence)).toEqual([]);
      // WHEN Shopify sends orders/paid for the same checkout
      await sendPaidOrder(sequence.order, `wh-${sequence.orderId}`);
      await serverPurchaseArrives(sequence.expectedEventId);

      // THEN every browser Purchase carried the server's event_id, and Meta counts the purchase once
      const browserPurchases = app.sim.browserEvents.filter((event) => event.eventName === "Purchase");
      expect(browserPurchases.map((event) => event.eventId)).toEqual(
        Array.from({ length: testCase.browserPurchases }, () => sequence.expectedEventId),
      );
      expect(purchasesInLedger()).toEqual([
        expect.objectContaining({
          eventId: sequence.expectedEventId,
          server: 1,
          browser: testCase.browserPurchases,
          countedByMeta: 1,
        }),
      ]);
      expect(app.sim.doubleCounted()).toEqual([]);
    });
  }

  it("counts a POS order once from the server alone: no browser twin, no shared id to find", async () => {
    const order = posOrder({ id: 5900000000099, processed_at: new Date(Date.now() - 30_000).toISOString() });
    await sendPaidOrder(order, "wh-pos");
    await serverPurchaseArrives("order_5900000000099");
    expect(purchasesInLedger()).toEqual([
      expect.objectContaining({ eventId: "order_5900000000099", server: 1, browser: 0, countedByMeta: 1 }),
    ]);
  });

  it("counts an online order whose pixel never loaded once from the server alone", async () => {
    const ids = checkoutIds(7);
    await sendPaidOrder(paidOrderFor(ids, ids.eventId, Date.now() - 30_000), "wh-blocked");
    await serverPurchaseArrives(ids.eventId);
    expect(purchasesInLedger()).toEqual([
      expect.objectContaining({ eventId: ids.eventId, server: 1, browser: 0, countedByMeta: 1 }),
    ]);
    expect(app.sim.doubleCounted()).toEqual([]);
  });

  it("still sends the Purchase, under the checkout-token id, with nothing in the console when storage fails", async () => {
    // Not covered by the ledger (decision 0011): without storage the pixel cannot know the earlier id.
    const sequence = fullCheckout(8);
    expect(await playInBrowser(sequence, { ...INIT, storage: "failing" })).toEqual([]);
    await expect
      .poll(() => app.sim.browserEvents.filter((event) => event.eventName === "Purchase").map((event) => event.eventId))
      .toEqual([`ck_${sequence.token}`]);
  });
});

describe("the pixel's collector, end to end (real pixel in Chromium → the app's /collect → worker → Meta simulator)", () => {
  const SHOPPER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

  it("sends each funnel event's server twin under the browser's event id, counts every event once, and leaves the Purchase to orders/paid", async () => {
    // GIVEN the pixel activated as the app activates it: collectorUrl under the app's own URL
    const sequence = fullCheckout(9);
    const settings = webPixelSettingsFor([PIXEL], DEFAULT_PURCHASE_SETTINGS, collectorUrlFor(app.baseUrl));
    const init: HarnessInit = { ...INIT, settings, data: { shop: { myshopifyDomain: SHOP } }, userAgent: SHOPPER_UA };
    // WHEN the shopper checks out and Shopify sends orders/paid
    expect(await playInBrowser(sequence, init)).toEqual([]);
    await sendPaidOrder(sequence.order, `wh-${sequence.orderId}`);
    await serverPurchaseArrives(sequence.expectedEventId);

    // THEN the funnel events the browser sent Meta reach Meta from the server too, under the same ids
    const browserFunnel = app.sim.browserEvents.filter((event) => event.eventName !== "Purchase");
    expect(browserFunnel.map((event) => event.eventName).sort()).toEqual(["AddPaymentInfo", "InitiateCheckout"]);
    await expect
      .poll(() => app.sim.accepted.filter((event) => event.event.event_name !== "Purchase").map((event) => event.event.event_id).sort(), { timeout: 15_000 })
      .toEqual(browserFunnel.map((event) => event.eventId).sort());
    // with the shopper's own User-Agent, read from the browser's request to the app
    const twin = app.sim.accepted.find((event) => event.event.event_name === "InitiateCheckout")?.event;
    expect(twin).toMatchObject({ action_source: "website", user_data: { client_user_agent: SHOPPER_UA } });
    // AND Meta counts every event once: the collector sent no second Purchase
    expect(app.sim.accepted.filter((event) => event.event.event_name === "Purchase")).toHaveLength(1);
    for (const name of ["InitiateCheckout", "AddPaymentInfo", "Purchase"]) {
      expect(app.sim.ledger().filter((entry) => entry.eventName === name)).toEqual([
        expect.objectContaining({ browser: 1, server: 1, countedByMeta: 1 }),
      ]);
    }
    expect(app.sim.doubleCounted()).toEqual([]);
    // AND the browser's purchase id for the checkout is on record
    const ledger = await app.context.database.db
      .selectFrom("browser_purchase_ids")
      .select("event_id")
      .where("shop", "=", SHOP)
      .where("checkout_token", "=", sequence.token)
      .execute();
    expect(ledger).toEqual([{ event_id: sequence.expectedEventId }]);
  });
});
