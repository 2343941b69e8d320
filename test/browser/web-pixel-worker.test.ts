import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webPixelSettingsFor } from "../../app/tracking/pixel/pixel-settings";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { buildPixel } from "../../scripts/build-pixel";
import { FIXTURE, buildOrder } from "../../sim/fixtures/order-payloads";
import purchase from "../../sim/fixtures/shopify/checkout-completed.json";
import started from "../../sim/fixtures/shopify/checkout-started.json";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { ARTIFACTS_DIR } from "./chromium";
import type { HarnessInit } from "./pixel-harness";
import { standardEvent as event } from "./pixel-event";
import { startPixelRig, type PixelRig } from "./pixel-rig";

// The built pixel bundle in a real Web Worker in Chromium; its /tr requests land in the Meta simulator.
const PIXEL = "1234567890123456";
let sim: MetaSimulator;
let rig: PixelRig;

beforeAll(async () => {
  sim = await startMetaSimulator();
  sim.registerPixel(PIXEL, "test-token");
  rig = await startPixelRig(`${sim.url}/tr`, "tandem-pixel-");
});

afterAll(async () => {
  await rig?.close();
  await sim?.close();
});

const INIT: HarnessInit = {
  settings: { pixelIds: PIXEL },
  cookies: { _fbp: "fb.1.1762268000123.1234567890" },
  customerPrivacy: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: false },
};

describe("web pixel in a Chromium Web Worker", () => {
  it("sends every mapped event to /tr and the Purchase deduplicates against the server event", async () => {
    sim.reset();
    const pixel = await rig.open(INIT);
    await pixel.load();
    const variant = purchase.data.checkout.lineItems[0]?.variant;
    // GIVEN a live-shaped checkout: the cart attributes on checkout_started, none on checkout_completed
    await pixel.emit([
      event("page_viewed", "sh-1", {}),
      event("product_viewed", "sh-2", { productVariant: variant }),
      event("cart_viewed", "sh-3", {}),
      started,
      purchase,
    ]);

    // THEN four events reach Meta (cart_viewed is not mapped), each valid per the simulator's /tr rules.
    await expect.poll(() => sim.browserEvents.length, { timeout: 10_000 }).toBe(4);
    await pixel.page.screenshot({ path: `${ARTIFACTS_DIR}web-pixel-harness.png` });
    expect(await pixel.errors()).toEqual([]);
    const byName = Object.fromEntries(sim.browserEvents.map((e) => [e.eventName, e]));
    expect(byName.PageView?.eventId).toBe("sh-1");
    expect(byName.ViewContent?.customData.content_ids).toBe('["45012345678901"]');
    expect(byName.Purchase?.eventId).toBe(FIXTURE.eventId);
    expect(byName.Purchase?.fbp).toBe("fb.1.1762268000123.1234567890");
    expect(byName.Purchase?.ldu).toBe(true);
    expect(byName.Purchase?.userData.em).toMatch(/^[0-9a-f]{64}$/);

    // WHEN the server sends its twin for the same order, THEN Meta counts the purchase once.
    // (processed now: Meta rejects server events older than 7 days)
    const mapping = await buildPurchaseFromOrder(buildOrder({ processed_at: new Date().toISOString() }), {
      nowMs: Date.now(),
      settings: DEFAULT_PURCHASE_SETTINGS,
      storefrontUrl: FIXTURE.storefrontUrl,
    });
    if (mapping.kind !== "event") throw new Error("fixture order should map to an event");
    const response = await fetch(`${sim.url}/v26.0/${PIXEL}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: [mapping.event], access_token: "test-token" }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const entry = sim.ledger().find((e) => e.eventName === "Purchase");
    expect(entry).toMatchObject({ browser: 1, server: 1, countedByMeta: 1, eventId: FIXTURE.eventId });
    expect(sim.doubleCounted()).toEqual([]);
    await pixel.close();
  });

  it("applies the value rules and catalog content id the server writes into its settings, as the server does", async () => {
    sim.reset();
    // GIVEN a shop that reports value without shipping and tax, and Shopify-channel catalog ids
    const settings = { ...DEFAULT_PURCHASE_SETTINGS, includeShipping: false, includeTax: false, contentId: "shopify" as const, catalogCountry: "US" };
    const pixel = await rig.open({ ...INIT, settings: webPixelSettingsFor([PIXEL], settings) });
    await pixel.load();
    await pixel.emit([purchase]);
    await expect.poll(() => sim.browserEvents.length, { timeout: 10_000 }).toBe(1);
    // THEN the browser Purchase carries what the server's twin carries
    const mapping = await buildPurchaseFromOrder(buildOrder(), { nowMs: FIXTURE.nowMs, settings, storefrontUrl: FIXTURE.storefrontUrl });
    if (mapping.kind !== "event") throw new Error("fixture order should map to an event");
    const sent = sim.browserEvents[0];
    expect(sent?.customData.content_ids).toBe(JSON.stringify(mapping.event.custom_data.content_ids));
    expect(mapping.event.custom_data.content_ids[0]).toBe("shopify_US_8012345678901_45012345678901");
    expect(Number(sent?.customData.value)).toBe(mapping.event.custom_data.value);
    expect(Number(sent?.customData.value)).toBe(67.9); // 78.33 less shipping 5.00 and tax 5.43
    expect(await pixel.errors()).toEqual([]);
    await pixel.close();
  });

  it("ignores malformed events and keeps the shop's console clean, storage working or not", async () => {
    for (const storage of ["working", "failing"] as const) {
      sim.reset();
      const pixel = await rig.open({ ...INIT, storage });
      await pixel.load();
      await pixel.emit([
        { id: "x1", name: "checkout_completed" },
        { id: "x2", name: "checkout_started", data: "nonsense" },
        { id: "x3", name: "checkout_completed", data: { checkout: { token: 7, attributes: "x", lineItems: 3 } } },
        { id: "x4", name: "payment_info_submitted", timestamp: "never", data: { checkout: [] } },
        { id: "x5", name: "page_viewed" },
      ]);
      expect(await pixel.errors(), storage).toEqual([]);
      expect(sim.browserEvents, storage).toEqual([]);
      await pixel.close();
    }
  });

  it("ships the production endpoint when no override is baked in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-pixel-prod-"));
    const production = await buildPixel({ outfile: join(dir, "web-pixel.js") });
    expect(production).toContain("https://www.facebook.com/tr");
    expect(await readFile(join(dir, "web-pixel.js"), "utf8")).not.toContain(sim.url);
  });
});
