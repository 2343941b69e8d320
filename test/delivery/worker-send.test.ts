import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import {
  configureShop,
  enqueuePurchases,
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

describe("delivery worker: sending", () => {
  it("sends due rows and records fbtrace_id and events_received", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 3);

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ claimed: 3, sent: 3, requests: 1, dead: 0, retried: 0 });
    expect(h.sim.accepted.map((a) => a.event.event_id).sort()).toEqual(["deliv-evt-0", "deliv-evt-1", "deliv-evt-2"]);
    expect(h.sim.accepted.filter((a) => a.partnerAgent !== "tandem")).toEqual([]);
    const rows = await rowsOf(h);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    expect(rows.filter((r) => !(r.eventsReceived === 3 && typeof r.fbtraceId === "string" && r.fbtraceId.length > 0))).toEqual([]);
    expect(rows.filter((r) => !(r.sentAt === h.clock.now() && r.attempts === 1 && r.leaseOwner === null))).toEqual([]);
  });

  it("never logs the access token or hashed user data", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 2);
    await h.worker().runOnce();
    const logged = JSON.stringify(h.logger.lines);
    expect(h.logger.lines).toContainEqual(expect.objectContaining({ message: "delivered to Meta", fields: expect.objectContaining({ shop: SHOP }) }));
    expect(logged).not.toContain(TOKEN);
    const em = (h.sim.accepted[0]?.event.user_data as { em?: string } | undefined)?.em ?? "missing";
    expect(logged).not.toContain(em);
  });

  it("never puts the shop's saved test_event_code on live events (only Send test event uses it)", async () => {
    await h.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: TOKEN, testEventCode: "TEST123" }, h.clock.now());
    await enqueuePurchases(h, 2);
    await h.worker().runOnce();
    expect(h.sim.accepted).toHaveLength(2);
    expect(h.sim.accepted.map((event) => event.testEventCode)).toEqual([undefined, undefined]);
    // The saved code stays for the admin's test sends.
    expect((await h.shops.getShop(SHOP))?.testEventCode).toBe("TEST123");
  });

  it("sends at most 1,000 events per request: 2,500 rows for one pixel go out as 3 requests", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 2_500);

    const summary = await h.worker({ claimLimit: 5_000 }).runOnce();

    expect(summary).toMatchObject({ claimed: 2_500, sent: 2_500, requests: 3 });
    expect(h.sim.requests.map((r) => r.eventCount).sort((a, b) => a - b)).toEqual([500, 1_000, 1_000]);
    expect(h.sim.accepted).toHaveLength(2_500);
    expect(h.sim.doubleCounted()).toEqual([]);
    expect((await h.outbox.countByStatus(SHOP)).sent).toBe(2_500);
  });

  it("batches per pixel: a shop with two pixels sends one request to each", async () => {
    await h.sim.registerPixel(PIXEL_B, TOKEN);
    await configureShop(h, SHOP, [PIXEL, PIXEL_B]);
    await enqueuePurchases(h, 4, { pixelId: PIXEL });
    await enqueuePurchases(h, 4, { pixelId: PIXEL_B });

    await h.worker().runOnce();

    expect(h.sim.requests.map((r) => [r.pixelId, r.eventCount]).sort()).toEqual([
      [PIXEL, 4],
      [PIXEL_B, 4],
    ]);
    expect(h.sim.state().acceptedByPixel).toEqual({ [PIXEL]: 4, [PIXEL_B]: 4 });
  });

  it("dead-letters a row that is already past Meta's 7-day window without calling Meta", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 1, { ageS: 7 * 24 * 3600 + 60 });
    await enqueuePurchases(h, 1, { from: 1 });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ dead: 1, sent: 1, requests: 1 });
    expect(h.sim.requests).toHaveLength(1);
    expect(h.sim.requests[0]?.eventIds).toEqual(["deliv-evt-1"]);
    const dead = (await rowsOf(h)).find((r) => r.eventId === "deliv-evt-0");
    expect(dead?.status).toBe("dead");
    expect(dead?.statusReason).toMatch(/^too old/);
  });

  it("dead-letters a row with a malformed payload and still sends the rest", async () => {
    await configureShop(h);
    await enqueuePurchases(h, 4);
    // Damaged rows: valid JSON that is not an event, a payload that is not an object, and text that is not JSON.
    await sql`update deliveries set payload = '{"event_name": 5}' where event_id = 'deliv-evt-1'`.execute(h.database.db);
    await sql`update deliveries set payload = '[1, 2]' where event_id = 'deliv-evt-2'`.execute(h.database.db);
    await sql`update deliveries set payload = '{broken' where event_id = 'deliv-evt-3'`.execute(h.database.db);
    await enqueuePurchases(h, 1, { from: 4 });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ claimed: 5, sent: 2, dead: 3, errors: 0 });
    expect(h.sim.requests[0]?.eventIds.sort()).toEqual(["deliv-evt-0", "deliv-evt-4"]);
    const rows = await rowsOf(h);
    for (const id of ["deliv-evt-1", "deliv-evt-2", "deliv-evt-3"]) {
      const bad = rows.find((r) => r.eventId === id);
      expect(bad?.status).toBe("dead");
      expect(bad?.statusReason).toMatch(/malformed payload/);
    }
  });
});
