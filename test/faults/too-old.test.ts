import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { MODES, SHOP, startFaultApp, type FaultApp } from "./fault-app";

let app: FaultApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(MODES)("events past Meta's 7-day window (%s mode)", (mode) => {
  it("dead-letters them as too old and never sends them, while fresh ones go out", async () => {
    app = await startFaultApp(mode);
    const { sim } = app;
    // GIVEN orders paid and received 8 days ago that waited in the outbox (no worker ran since), and a few
    // fresh ones. (An orders/paid webhook that arrives today for an order placed 8 days ago is a late payment:
    // it is sent at the payment time, decision 0015, and test/webhooks/order-kinds covers it.)
    await app.ingest(0, 20, SHOP, {}, Date.now() - 8 * DAY_MS);
    await app.ingest(100, 3);
    await app.startWorkers();

    await waitFor(async () => (await app!.statusCounts(SHOP)).dead === 20, 10_000, "20 dead");
    await waitFor(async () => (await app!.statusCounts(SHOP)).sent === 3, 10_000, "3 sent");
    const dead = await app.web.outbox.list({ shop: SHOP, status: "dead", limit: 50 });
    expect(dead.rows.filter((row) => !row.statusReason?.startsWith("too old"))).toEqual([]);
    const oldIds = new Set(dead.rows.map((row) => row.eventId));
    // THEN Meta never saw any of them: not in a batch, not in a split
    expect(sim.requests.flatMap((r) => r.eventIds).filter((id) => id !== null && oldIds.has(id))).toEqual([]);
    expect(sim.accepted).toHaveLength(3);
  });
});
