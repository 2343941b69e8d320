import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureShop as saveConfiguration } from "~/shops/configure-shop.server";
import { redriveDeliveries } from "~/shops/redrive.server";
import { readAttention } from "~/admin/attention.server";
import { configureShop, enqueuePurchases, OTHER_SHOP, PIXEL, PIXEL_B, rowsOf, SHOP, startHarness, TOKEN, type Harness } from "./harness";

// Pauses as narrow as their cause (decision 0016): one pixel Meta does not know stops only itself.
const UNKNOWN_PIXEL = "999999999999999";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function appDeps(harness: Harness) {
  const notified: string[] = [];
  const logger = { info() {}, warn() {}, error() {}, debug() {} };
  return {
    notified,
    deps: {
      shops: harness.shops,
      outbox: harness.outbox,
      database: harness.database,
      queue: { notify: async (shop: string) => void notified.push(shop), close: async () => {} },
      logger,
    } as unknown as Parameters<typeof saveConfiguration>[0] & Parameters<typeof redriveDeliveries>[0],
  };
}

async function statuses(harness: Harness, pixelId: string) {
  return (await rowsOf(harness)).filter((r) => r.destination === `meta:${pixelId}`).map((r) => r.status);
}

describe("delivery worker: a pixel Meta does not know (100/33)", () => {
  it("pauses that pixel with Meta's cause while the shop's valid pixel keeps sending", async () => {
    // GIVEN a shop with a valid pixel and one Meta does not know, both due
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 3, { pixelId: PIXEL });
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL, from: 3 });

    // WHEN the worker runs
    const summary = await h.worker().runOnce();

    // THEN the valid pixel's events are sent and only the unknown pixel's wait
    expect(summary).toMatchObject({ sent: 3, needsAttention: 2, dead: 0 });
    expect(h.sim.countsBy(PIXEL).server).toBe(3);
    expect(await statuses(h, UNKNOWN_PIXEL)).toEqual(["needs_attention", "needs_attention"]);
    // AND the pause belongs to that pixel, with Meta's code and message; the shop itself is not paused
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
    const pause = await h.shops.getDestinationPause(SHOP, `meta:${UNKNOWN_PIXEL}`);
    expect(pause?.reason).toMatch(/^Meta error 100\/33: Unsupported post request\. Object with ID '999999999999999'/);
    expect(await h.shops.getDestinationPause(SHOP, `meta:${PIXEL}`)).toBeNull();
    // AND the banner shows the paused pixel with its cause
    const attention = await readAttention({ shops: h.shops, outbox: h.outbox } as never, SHOP);
    expect(attention).toMatchObject({ reason: null, paused: 2, pixels: [{ pixelId: UNKNOWN_PIXEL, reason: pause?.reason }] });
  });

  it("does not call Meta again for a paused pixel, and keeps sending the valid one", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 1, { pixelId: UNKNOWN_PIXEL });
    const worker = h.worker();
    await worker.runOnce();
    const requestsAfterPause = h.sim.requests.length;

    // WHEN new orders arrive for both pixels
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL, from: 10 });
    await enqueuePurchases(h, 2, { pixelId: PIXEL, from: 20 });
    const summary = await worker.runOnce();

    // THEN one request (the valid pixel's); the paused pixel's rows wait with the pause's cause
    expect(summary).toMatchObject({ sent: 2, needsAttention: 2, requests: 1 });
    expect(h.sim.requests.length - requestsAfterPause).toBe(1);
    const waiting = (await rowsOf(h)).filter((r) => r.destination === `meta:${UNKNOWN_PIXEL}`);
    expect(waiting.every((r) => r.status === "needs_attention" && r.statusReason?.startsWith(`Meta pixel ${UNKNOWN_PIXEL} paused: Meta error 100/33`))).toBe(true);
  });

  it("pauses the shop (the token), not a pixel, on a token error: both pixels wait", async () => {
    h.sim.registerPixel(PIXEL_B, TOKEN);
    await configureShop(h, SHOP, [PIXEL, PIXEL_B], "EAAB-revoked-token");
    await enqueuePurchases(h, 2, { pixelId: PIXEL });
    await enqueuePurchases(h, 2, { pixelId: PIXEL_B, from: 2 });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ sent: 0, needsAttention: 4 });
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190\/467/);
    expect(await h.shops.listDestinationPauses(SHOP)).toEqual([]);
  });

  it("resumes the pixel when the merchant saves credentials again, and sends its events once", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL });
    const worker = h.worker();
    await worker.runOnce();
    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);

    // WHEN the dataset is created at Meta and the merchant re-saves the same ids
    h.sim.registerPixel(UNKNOWN_PIXEL, TOKEN);
    const { deps, notified } = appDeps(h);
    await saveConfiguration(deps, SHOP, { pixelIds: [PIXEL, UNKNOWN_PIXEL] }, h.clock.now());

    // THEN the pause is lifted, the rows are due again and go out once
    expect(await h.shops.listDestinationPauses(SHOP)).toEqual([]);
    expect(notified).toContain(SHOP);
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
    expect(h.sim.countsBy(UNKNOWN_PIXEL).server).toBe(2);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
  });

  it("saving settings that are not credentials leaves the pixel paused", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 1, { pixelId: UNKNOWN_PIXEL });
    await h.worker().runOnce();

    await saveConfiguration(appDeps(h).deps, SHOP, { settings: { includeTax: false } }, h.clock.now());

    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);
    expect(await statuses(h, UNKNOWN_PIXEL)).toEqual(["needs_attention"]);
  });

  it("redriving needs-attention events lifts the pixel pause; a pixel still unknown pauses again", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL });
    const worker = h.worker();
    await worker.runOnce();

    // WHEN the operator redrives without fixing anything
    const { deps } = appDeps(h);
    expect(await redriveDeliveries(deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() })).toBe(2);
    expect(await h.shops.listDestinationPauses(SHOP)).toEqual([]);
    const again = await worker.runOnce();

    // THEN Meta is asked once more and the pixel is paused again, nothing dead
    expect(again).toMatchObject({ needsAttention: 2, dead: 0, requests: 1 });
    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);

    // WHEN the dataset now exists and the operator redrives THEN the events go out
    h.sim.registerPixel(UNKNOWN_PIXEL, TOKEN);
    await redriveDeliveries(deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() });
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
  });

  it("redriving leaves a token pause in place, as before", async () => {
    await configureShop(h, SHOP, [PIXEL], "EAAB-revoked-token");
    await enqueuePurchases(h, 2);
    const worker = h.worker();
    await worker.runOnce();

    await redriveDeliveries(appDeps(h).deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() });

    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190/);
    expect((await worker.runOnce()).claimed).toBe(0);
  });

  it("keeps another shop's pixels out of a pause", async () => {
    await configureShop(h, SHOP, [UNKNOWN_PIXEL]);
    h.sim.registerPixel(PIXEL_B, TOKEN);
    await configureShop(h, OTHER_SHOP, [PIXEL_B]);
    await enqueuePurchases(h, 1, { pixelId: UNKNOWN_PIXEL });
    await enqueuePurchases(h, 1, { shop: OTHER_SHOP, pixelId: PIXEL_B, from: 5 });

    expect(await h.worker().runOnce()).toMatchObject({ sent: 1, needsAttention: 1 });
    expect(await h.shops.listDestinationPauses(OTHER_SHOP)).toEqual([]);
  });
});
