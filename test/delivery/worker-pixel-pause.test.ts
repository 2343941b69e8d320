import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureShop as saveConfiguration } from "../../app/shops/configure-shop.server";
import { redriveDeliveries, redriveWithReasons } from "../../app/shops/redrive.server";
import { readAttention } from "../../app/admin/attention.server";
import { configureShop, enqueuePurchases, GRAPH_VERSION, OTHER_SHOP, PIXEL, PIXEL_B, rowsOf, SHOP, startHarness, TOKEN, type Harness } from "./harness";

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
      // Pauses lift only after Meta confirms the credentials (decision 0022): asked at the simulator.
      env: { META_GRAPH_URL: harness.sim.url, META_GRAPH_VERSION: GRAPH_VERSION },
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
    const attention = await readAttention({ shops: h.shops, outbox: h.outbox, database: h.database } as never, SHOP, h.clock.now());
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
    expect(waiting.filter((r) => !(r.status === "needs_attention" && r.statusReason?.startsWith(`Meta pixel ${UNKNOWN_PIXEL} paused: Meta error 100/33`)))).toEqual([]);
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

  it("resumes the pixel when a new token that reaches it is saved (one read), and sends its events once", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL });
    const worker = h.worker();
    await worker.runOnce();
    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);

    // WHEN the merchant re-saves the same ids, THEN the pause stays: the id it is about did not change
    const { deps, notified } = appDeps(h);
    await saveConfiguration(deps, SHOP, { pixelIds: [PIXEL, UNKNOWN_PIXEL] }, h.clock.now());
    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);

    // WHEN a token that reaches the pixel is saved
    h.sim.registerPixel(UNKNOWN_PIXEL, "EAAB-token-with-access");
    h.sim.registerPixel(PIXEL, "EAAB-token-with-access");
    await saveConfiguration(deps, SHOP, { accessToken: "EAAB-token-with-access" }, h.clock.now());

    // THEN Meta confirmed it, the pause is lifted, the rows are due again and go out once
    expect(h.sim.reads.map((read) => read.status)).toEqual([200, 200]);
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

  it("redriving is refused while Meta still does not know the pixel, and goes ahead once it does", async () => {
    await configureShop(h, SHOP, [PIXEL, UNKNOWN_PIXEL]);
    await enqueuePurchases(h, 2, { pixelId: UNKNOWN_PIXEL });
    const worker = h.worker();
    await worker.runOnce();

    // WHEN the operator redrives without fixing anything
    const { deps } = appDeps(h);
    const refused = await redriveWithReasons(deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() });

    // THEN nothing moves, the pause stays, and the reason says why
    expect(refused).toEqual({ redriven: 0, refused: [{ shop: SHOP, reason: expect.stringMatching(/^Meta still does not know pixel 999999999999999/) }] });
    expect(await h.shops.listDestinationPauses(SHOP)).toHaveLength(1);
    expect(await statuses(h, UNKNOWN_PIXEL)).toEqual(["needs_attention", "needs_attention"]);

    // WHEN the dataset now exists and the operator redrives THEN one read confirms it and the events go out
    h.sim.registerPixel(UNKNOWN_PIXEL, TOKEN);
    expect(await redriveDeliveries(deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() })).toBe(2);
    expect(await h.shops.listDestinationPauses(SHOP)).toEqual([]);
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
  });

  it("redriving leaves a token pause in place and its rows waiting with their reason", async () => {
    await configureShop(h, SHOP, [PIXEL], "EAAB-revoked-token");
    await enqueuePurchases(h, 2);
    const worker = h.worker();
    await worker.runOnce();

    const result = await redriveWithReasons(appDeps(h).deps, { shop: SHOP, status: "needs_attention", nowMs: h.clock.now() });

    expect(result.refused[0]?.reason).toMatch(/^Meta no longer accepts the access token.*Paste a new access token in Settings/);
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190/);
    expect((await rowsOf(h)).map((row) => [row.status, row.statusReason?.slice(0, 14)])).toEqual([
      ["needs_attention", "Meta error 190"],
      ["needs_attention", "Meta error 190"],
    ]);
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
