import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureShop,
  enqueuePurchases,
  OTHER_SHOP,
  OTHER_TOKEN,
  PIXEL,
  PIXEL_B,
  rowsOf,
  SHOP,
  startHarness,
  TOKEN,
  type Harness,
} from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("delivery worker: configuration errors", () => {
  it("pauses the shop on an invalid token, keeps the events, and sends them all once fixed", async () => {
    // GIVEN a shop whose stored token Meta does not know, with 1,200 events due (two batches)
    await configureShop(h, SHOP, [PIXEL], "EAAB-revoked-token");
    await enqueuePurchases(h, 1_200);
    const worker = h.worker({ claimLimit: 2_000 });

    // WHEN the worker runs
    const summary = await worker.runOnce();

    // THEN one call was made (the second batch is not tried), nothing was accepted, every row needs attention
    expect(summary).toMatchObject({ claimed: 1_200, needsAttention: 1_200, sent: 0, dead: 0, requests: 1 });
    expect(h.sim.accepted).toHaveLength(0);
    const rows = await rowsOf(h);
    expect(rows.filter((r) => r.status !== "needs_attention")).toEqual([]);
    expect(rows.filter((r) => r.payload === null)).toEqual([]);
    // AND the shop is paused with a reason the merchant can act on
    const shop = await h.shops.getShop(SHOP);
    expect(shop?.needsAttentionReason).toMatch(/^Meta error 190\/467: Error validating access token.*\(fbtrace_id \w+\)$/);
    expect(shop?.needsAttentionReason).not.toContain("EAAB-revoked-token");
    // AND a paused shop is not claimed again
    expect((await worker.runOnce()).claimed).toBe(0);

    // WHEN the merchant saves a valid token and the shop is resumed
    await h.shops.saveShopConfig(SHOP, { accessToken: TOKEN }, h.clock.now());
    await h.shops.clearNeedsAttention(SHOP);
    expect(await h.outbox.resumeShop(SHOP, h.clock.now())).toBe(1_200);
    const after = await worker.runOnce();

    // THEN everything is delivered exactly once
    expect(after).toMatchObject({ sent: 1_200, requests: 2 });
    expect(h.sim.accepted).toHaveLength(1_200);
    expect(h.sim.doubleCounted()).toEqual([]);
    expect((await h.outbox.countByStatus(SHOP)).sent).toBe(1_200);
  });

  it("pauses the shop when the token expires mid-life (190/463)", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 2);
    h.sim.expireToken(PIXEL);
    await h.worker().runOnce();
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190\/463/);
    expect((await h.outbox.countByStatus(SHOP)).needs_attention).toBe(2);
  });

  it("treats a pixel the token cannot reach (100/33) as configuration of that pixel, not a bad event", async () => {
    // The shop's token belongs to PIXEL_B's owner, not to PIXEL.
    await configureShop(h, SHOP, [PIXEL], OTHER_TOKEN);
    await enqueuePurchases(h, 3);

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ needsAttention: 3, dead: 0, requests: 1 });
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
    expect(await h.shops.getDestinationPause(SHOP, `meta:${PIXEL}`)).toMatchObject({
      reason: expect.stringMatching(/^Meta error 100\/33: Unsupported post request/),
    });
    const rows = await rowsOf(h);
    expect(rows.filter((r) => !r.statusReason?.startsWith(`Meta pixel ${PIXEL} paused: Meta error 100/33`))).toEqual([]);
  });

  it("does not call Meta when the shop has no token, and flags the shop", async () => {
    await h.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL] }, h.clock.now());
    await enqueuePurchases(h, 2);

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ needsAttention: 2, requests: 0 });
    expect(h.sim.requests).toHaveLength(0);
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/access token missing/);
  });

  it("holds rows for a pixel the merchant removed without pausing the shop's other pixel", async () => {
    h.sim.registerPixel(PIXEL_B, TOKEN);
    await configureShop(h, SHOP, [PIXEL_B]);
    await enqueuePurchases(h, 2, { pixelId: PIXEL });
    await enqueuePurchases(h, 2, { pixelId: PIXEL_B, from: 2 });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ sent: 2, needsAttention: 2 });
    const removed = (await rowsOf(h)).filter((r) => r.destination === `meta:${PIXEL}`);
    expect(removed.filter((r) => !(r.status === "needs_attention" && /no longer configured/.test(r.statusReason ?? "")))).toEqual([]);
    expect((await h.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
  });

  it("keeps delivering for other shops while one shop needs attention", async () => {
    await configureShop(h, SHOP, [PIXEL], "EAAB-revoked-token");
    await configureShop(h, OTHER_SHOP, [PIXEL_B], OTHER_TOKEN);
    await enqueuePurchases(h, 3);
    await enqueuePurchases(h, 3, { shop: OTHER_SHOP, pixelId: PIXEL_B });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ sent: 3, needsAttention: 3 });
    expect(h.sim.state().acceptedByPixel).toEqual({ [PIXEL_B]: 3 });
    expect((await h.shops.getShop(OTHER_SHOP))?.needsAttentionReason).toBeNull();
  });
});
