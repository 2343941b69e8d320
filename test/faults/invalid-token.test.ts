import { afterEach, describe, expect, it } from "vitest";
import { configureShop } from "../../app/shops/configure-shop.server";
import { sleep, waitFor } from "../support/wait";
import { MODES, OTHER_SHOP, PIXEL, SHOP, startFaultApp, TOKEN, type FaultApp } from "./fault-app";

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

  it("does not pause the shop for a single token error that a second check does not confirm", async () => {
    app = await startFaultApp(mode);
    const { sim, web } = app;
    // GIVEN Meta refuses the token once (190), then accepts it again
    sim.injectFailures({ kind: "invalidToken", count: 1, pixelId: PIXEL });
    await app.ingest(0, 10);
    await app.startWorkers();

    // THEN the events are retried and sent, the shop never paused, and the check was one read with the token
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === 10, 10_000, "sent after the retry");
    expect(await app.statusCounts(SHOP)).toEqual({ sent: 10 });
    expect((await web.shops.getShop(SHOP))?.needsAttentionReason ?? null).toBeNull();
    expect(sim.requests.filter((request) => request.error?.code === 190)).toHaveLength(1);
    expect(sim.reads.filter((read) => read.pixelId === PIXEL && read.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });

  it("pauses on a token error the second check confirms, and resumes on its own once Meta accepts the token again", async () => {
    app = await startFaultApp(mode);
    const { sim, web } = app;
    // GIVEN a token Meta refuses on every call
    sim.expireToken(PIXEL);
    await app.ingest(0, 10);
    await app.startWorkers();
    await waitFor(async () => (await web.shops.getShop(SHOP))?.needsAttentionReason != null, 10_000, "shop paused");
    expect(sim.reads).toContainEqual(expect.objectContaining({ pixelId: PIXEL, error: expect.objectContaining({ code: 190 }) }));
    // AND it stays paused while Meta keeps refusing, re-checked with backoff
    await waitFor(() => sim.reads.filter((read) => read.error?.code === 190).length >= 3, 10_000, "re-checked");
    expect(sim.countsBy(PIXEL).server).toBe(0);
    expect((await web.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/Meta error 190/);

    // WHEN the same token starts working again (fixed on Meta's side; nobody saves it in Tandem)
    sim.registerPixel(PIXEL, TOKEN);

    // THEN a re-check lifts the pause and every held event goes out, once
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === 10, 10_000, "sent after the token works again");
    expect((await web.shops.getShop(SHOP))?.needsAttentionReason ?? null).toBeNull();
    expect(sim.countsBy(PIXEL).server).toBe(10);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });
});
