import { afterEach, describe, expect, it } from "vitest";
import { configureShop } from "~/shops/configure-shop.server";
import { sleep, waitFor } from "../scale/wait-for";
import { MODES, OTHER_SHOP, PIXEL, SHOP, startFaultApp, type FaultApp } from "./fault-app";

let app: FaultApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.each(MODES)("invalid access token (%s mode)", (mode) => {
  it("pauses the shop without sending or losing anything, and sends everything once the token is fixed", async () => {
    app = await startFaultApp(mode);
    const { sim, web } = app;
    // GIVEN the merchant's token was revoked at Meta
    sim.expireToken(PIXEL);
    await app.ingest(0, 30);
    await app.ingest(100, 5, OTHER_SHOP);
    await app.startWorkers();

    // THEN the shop is paused with its events kept, and other shops carry on
    await waitFor(async () => (await web.shops.getShop(SHOP))?.needsAttentionReason != null, 10_000, "shop paused");
    await waitFor(async () => (await app!.statusCounts(OTHER_SHOP)).sent === 5, 10_000, "other shop sent");
    await sleep(500);
    const paused = await app.statusCounts(SHOP);
    expect(paused.dead ?? 0).toBe(0);
    expect(paused.sent ?? 0).toBe(0);
    expect((paused.needs_attention ?? 0) + (paused.pending ?? 0)).toBe(30);
    expect(sim.countsBy(PIXEL).server).toBe(0);
    expect((await web.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/Meta error 190/);

    // WHEN the merchant saves a fresh token THEN every held event goes out, once
    sim.registerPixel(PIXEL, "EAAB-fresh-token");
    await configureShop(web, SHOP, { accessToken: "EAAB-fresh-token" }, Date.now());
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === 30, 10_000, "all sent after fix");
    expect(await app.statusCounts(SHOP)).toEqual({ sent: 30 });
    expect(sim.countsBy(PIXEL).server).toBe(30);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });
});
