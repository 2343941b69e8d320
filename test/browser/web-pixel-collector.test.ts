import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webPixelSettingsFor } from "../../app/tracking/pixel/pixel-settings";
import { DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-settings";
import { FIXTURE } from "../../sim/fixtures/order-payloads";
import purchase from "../../sim/fixtures/shopify/checkout-completed.json";
import started from "../../sim/fixtures/shopify/checkout-started.json";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import type { HarnessInit } from "./pixel-harness";
import { standardEvent as event } from "./pixel-event";
import { startPixelRig, type PixelRig } from "./pixel-rig";
import { startRecordingCollector, type RecordingCollector } from "./web-pixel-collector";
import { sleep } from "../support/wait";

// The built pixel in a real Chromium Web Worker, with both destinations on loopback: Meta's /tr (the simulator)
// and Tandem's collector (a recorder on another origin, as the app's URL is to the shop's pages).
const PIXELS = ["1234567890123456", "6543210987654321"];
const SHOP = "tandem-demo.myshopify.com";
let sim: MetaSimulator;
let collector: RecordingCollector;
let rig: PixelRig;

beforeAll(async () => {
  sim = await startMetaSimulator();
  for (const pixel of PIXELS) sim.registerPixel(pixel, "test-token");
  collector = await startRecordingCollector();
  rig = await startPixelRig(`${sim.url}/tr`, "tandem-pixel-collector-");
});

afterAll(async () => {
  await rig?.close();
  await collector?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.reset();
  collector.reset();
});

function init(overrides: Partial<HarnessInit> = {}): HarnessInit {
  return {
    settings: webPixelSettingsFor(PIXELS, DEFAULT_PURCHASE_SETTINGS, collector.url),
    cookies: { _fbp: "fb.1.1762268000123.1234567890" },
    customerPrivacy: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: true },
    data: { shop: { myshopifyDomain: SHOP } },
    ...overrides,
  };
}

/** Lets requests still in flight land, so "exactly" and "none" are not judged too early. */
async function settle(): Promise<void> {
  await sleep(750);
}

describe("web pixel → Tandem's collector, in a Chromium Web Worker", () => {
  it("posts each mapped event once (not once per pixel) with its /tr request's event id, as text/plain without a preflight", async () => {
    // GIVEN a shop with two Meta pixels, a shopper whose sale of data is denied, and a live-shaped checkout
    const pixel = await rig.open(init({ customerPrivacy: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: false } }));
    await pixel.load();
    await pixel.emit([
      event("page_viewed", "sh-1", {}),
      event("product_viewed", "sh-2", { productVariant: purchase.data.checkout.lineItems[0]?.variant }),
      event("cart_viewed", "sh-3", {}),
      started,
      purchase,
    ]);

    // THEN Meta gets one /tr per pixel for each of the four mapped events, and the collector one POST per event
    await expect.poll(() => sim.browserEvents.length, { timeout: 10_000 }).toBe(8);
    await expect.poll(() => collector.calls.length, { timeout: 10_000 }).toBe(4);
    await settle();
    expect(collector.calls).toHaveLength(4);
    expect(await pixel.errors()).toEqual([]);

    const trIds = new Set(sim.browserEvents.map((e) => `${e.eventName} ${e.eventId}`));
    expect(trIds.size).toBe(4);
    for (const call of collector.calls) {
      expect([call.method, call.contentType]).toEqual(["POST", "text/plain;charset=UTF-8"]);
      expect(call.params.get("shop")).toBe(SHOP);
      expect(call.params.has("id")).toBe(false);
      expect(trIds.has(`${call.params.get("ev")} ${call.params.get("eid")}`)).toBe(true);
      // The consent flags are the /tr request's: sale of data denied → Limited Data Use
      expect(call.params.get("dpo")).toBe("LDU");
    }
    const byName = Object.fromEntries(collector.calls.map((call) => [call.params.get("ev"), call.params]));
    expect(Object.keys(byName).sort()).toEqual(["InitiateCheckout", "PageView", "Purchase", "ViewContent"]);
    expect(byName.Purchase?.get("eid")).toBe(FIXTURE.eventId);
    expect(byName.Purchase?.get("ck")).toBe(purchase.data.checkout.token);
    expect(byName.InitiateCheckout?.get("ck")).toBe(started.data.checkout.token);
    expect(byName.PageView?.get("ck")).toBe("");
    expect(byName.Purchase?.get("ud[em]")).toMatch(/^[0-9a-f]{64}$/);
    // No CORS preflight: a text/plain POST is a simple request
    expect(collector.calls.filter((call) => call.method === "OPTIONS")).toEqual([]);
    await pixel.close();
  });

  it("sends nothing, to Meta or the collector, without marketing consent", async () => {
    const pixel = await rig.open(init({ customerPrivacy: { marketingAllowed: false, analyticsProcessingAllowed: true, saleOfDataAllowed: true } }));
    await pixel.load();
    await pixel.emit([event("page_viewed", "sh-1", {}), started, purchase]);
    await settle();
    expect(sim.browserEvents).toEqual([]);
    expect(collector.calls).toEqual([]);
    expect(await pixel.errors()).toEqual([]);
    await pixel.close();
  });

  it("flags nothing when the sale of data is allowed, as /tr does", async () => {
    const pixel = await rig.open(init());
    await pixel.load();
    await pixel.emit([event("page_viewed", "sh-9", {})]);
    await expect.poll(() => collector.calls.length, { timeout: 10_000 }).toBe(1);
    expect(collector.calls[0]?.params.get("eid")).toBe("sh-9");
    expect(collector.calls[0]?.params.has("dpo")).toBe(false);
    expect(sim.browserEvents.filter((e) => e.ldu)).toEqual([]);
    await pixel.close();
  });

  it("makes no collector call when its settings predate the field, or Shopify gave no shop domain; /tr goes on", async () => {
    for (const overrides of [{ settings: webPixelSettingsFor(PIXELS, DEFAULT_PURCHASE_SETTINGS) }, { data: {} }]) {
      sim.reset();
      const pixel = await rig.open(init(overrides));
      await pixel.load();
      await pixel.emit([event("page_viewed", "sh-1", {})]);
      await expect.poll(() => sim.browserEvents.length, { timeout: 10_000 }).toBe(2);
      await settle();
      expect(collector.calls).toEqual([]);
      expect(await pixel.errors()).toEqual([]);
      await pixel.close();
    }
  });
});
