import { afterEach, describe, expect, it } from "vitest";
import { configureShop } from "../../app/shops/configure-shop.server";
import { sleep, waitFor } from "../support/wait";
import { MODES, PIXEL, SHOP, TOKEN, startFaultApp, type FaultApp } from "./fault-app";

// Decision 0016: a pixel Meta does not know (100/33) pauses that pixel only.
const UNKNOWN_PIXEL = "555555555555555";

let app: FaultApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function byPixel(fault: FaultApp, pixelId: string): Promise<Record<string, number>> {
  const { rows } = await fault.web.outbox.list({ shop: SHOP, limit: 1_000 });
  const counts: Record<string, number> = {};
  for (const row of rows.filter((r) => r.destination === `meta:${pixelId}`)) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

describe.each(MODES)("one pixel unknown to Meta (%s mode)", (mode) => {
  it("pauses only that pixel with its cause, sends the other, and sends the held events once the pixel exists", async () => {
    app = await startFaultApp(mode);
    const { sim, web } = app;
    // GIVEN a shop with a valid pixel and a second id Meta does not know
    await configureShop(web, SHOP, { pixelIds: [PIXEL, UNKNOWN_PIXEL] }, Date.now());
    await app.ingest(0, 20);
    await app.startWorkers();

    // THEN the valid pixel's events are all sent while the unknown pixel's wait, and the shop is not paused
    await waitFor(async () => (await byPixel(app!, PIXEL)).sent === 20, 10_000, "valid pixel sent");
    await waitFor(async () => (await byPixel(app!, UNKNOWN_PIXEL)).needs_attention === 20, 10_000, "unknown pixel paused");
    await sleep(300);
    expect(await byPixel(app, UNKNOWN_PIXEL)).toEqual({ needs_attention: 20 });
    expect(sim.countsBy(PIXEL).server).toBe(20);
    expect(sim.countsBy(UNKNOWN_PIXEL).server).toBe(0);
    expect((await web.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
    const pauses = await web.shops.listDestinationPauses(SHOP);
    expect(pauses).toEqual([expect.objectContaining({ destination: `meta:${UNKNOWN_PIXEL}`, reason: expect.stringMatching(/^Meta error 100\/33/) })]);

    // AND later orders still reach the valid pixel
    await app.ingest(100, 5);
    await waitFor(async () => (await byPixel(app!, PIXEL)).sent === 25, 10_000, "valid pixel keeps sending");

    // WHEN the dataset is created at Meta and the merchant saves the credentials again
    sim.registerPixel(UNKNOWN_PIXEL, TOKEN);
    await configureShop(web, SHOP, { pixelIds: [PIXEL, UNKNOWN_PIXEL], accessToken: TOKEN }, Date.now());

    // THEN every held event goes out, once
    await waitFor(async () => (await byPixel(app!, UNKNOWN_PIXEL)).sent === 25, 10_000, "unknown pixel sent after fix");
    expect(await app.statusCounts(SHOP)).toEqual({ sent: 50 });
    expect(await web.shops.listDestinationPauses(SHOP)).toEqual([]);
    expect(sim.countsBy(UNKNOWN_PIXEL).server).toBe(25);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });
});
