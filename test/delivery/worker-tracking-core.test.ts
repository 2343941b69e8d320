import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { outboxRowsFor } from "../../app/webhooks/outbox-rows";
import { DEFAULT_PURCHASE_SETTINGS, buildPurchaseFromOrder } from "../../app/tracking/purchase-from-order";
import { FIXTURE, numberedOrder } from "../../sim/fixtures/order-payloads";
import { configureShop, PIXEL, rowsOf, SHOP, startHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ startMs: FIXTURE.nowMs });
  await configureShop(h);
});
afterEach(async () => {
  await h.close();
});

describe("delivery worker with events mapped by the tracking core", () => {
  it("delivers real mapped Purchases that the simulator accepts as valid CAPI events", async () => {
    // GIVEN three paid orders mapped exactly as the webhook maps them
    const rows = [];
    for (const n of [1, 2, 3]) {
      const mapping = await buildPurchaseFromOrder(numberedOrder(n), {
        nowMs: h.clock.now(),
        settings: DEFAULT_PURCHASE_SETTINGS,
        storefrontUrl: FIXTURE.storefrontUrl,
      });
      if (mapping.kind !== "event") throw new Error(`order ${n} did not map: ${JSON.stringify(mapping)}`);
      rows.push(...outboxRowsFor(mapping, { shop: SHOP, destinations: [`meta:${PIXEL}`], status: "pending", nowMs: h.clock.now() }));
    }
    await h.outbox.enqueue(rows, h.clock.now());

    // WHEN the worker runs
    const summary = await h.worker().runOnce();

    // THEN Meta accepted all three under their purchase event ids
    expect(summary).toMatchObject({ sent: 3, dead: 0 });
    expect(h.sim.accepted.map((a) => a.event.event_id).sort()).toEqual(rows.map((r) => r.eventId).sort());
    expect((await rowsOf(h)).filter((r) => r.status !== "sent")).toEqual([]);
  });
});
