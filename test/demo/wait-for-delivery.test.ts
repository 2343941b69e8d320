import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeCollected } from "../../app/db/collector-writes.server";
import { funnelRows } from "../../app/collector/funnel-rows";
import { waitForDelivery } from "../../scripts/demo/wait-for-delivery";
import { enqueuePurchases, PIXEL, purchaseEvent, SHOP, startConfiguredHarness, buildPairedWorker, addToCartEvent, type Harness } from "../delivery/harness";

// The demo reports what Meta received once Tandem has nothing left to send. Funnel events wait in a queue of
// their own (decision 0034), drained by a worker that gathers for 250 ms: a wait that read only the outbox let
// the report start while they were still on their way, and on a loaded machine printed short funnel counts.

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(() => h.close());

/** Stores AddToCart events as the collector does, one row each for the shop's pixel. */
async function collect(eventIds: readonly string[]): Promise<void> {
  const nowMs = h.clock.now();
  const writes = eventIds.map((eventId) => ({
    kind: "funnel" as const,
    rows: funnelRows(SHOP, [PIXEL], addToCartEvent(h, eventId), nowMs),
  }));
  expect(await writeCollected(h.database, writes, nowMs)).toEqual(eventIds.map(() => true));
}

const acceptedIds = () => h.sim.accepted.map((a) => String(a.event.event_id)).sort();

describe("waitForDelivery", () => {
  it("does not call the shop drained while a funnel event waits in its queue, though the outbox is empty", async () => {
    await collect(["atc-1"]);
    expect(await waitForDelivery(h, SHOP, 0)).toEqual({ drained: false, funnelWaiting: 1, outboxWaiting: 0 });
  });

  it("counts a funnel event whose first try failed: it waits in the outbox for its retry", async () => {
    // GIVEN a funnel event Meta answered with a 500, so it moved from the queue to a retrying outbox row
    await collect(["atc-1"]);
    h.sim.injectFailures({ kind: "http500", count: 1 });
    expect(await buildPairedWorker(h).runOnce()).toMatchObject({ claimed: 1, retried: 1 });

    // THEN it is still unsent
    expect(await waitForDelivery(h, SHOP, 0)).toEqual({ drained: false, funnelWaiting: 0, outboxWaiting: 1 });
  });

  it("returns once the running worker has sent every funnel event and Purchase, and Meta holds each of them", async () => {
    // GIVEN funnel events and a Purchase waiting, and the paired worker running as in the demo's web process
    await collect(["atc-1", "atc-2", "atc-3"]);
    await enqueuePurchases(h, 1);
    const worker = buildPairedWorker(h);
    worker.start();
    try {
      // WHEN the demo waits (the deadline only bounds a failure; a pass takes the funnel worker's 250 ms gathering)
      expect(await waitForDelivery(h, SHOP, 20_000)).toEqual({ drained: true });

      // THEN everything reached Meta before the wait ended
      expect(acceptedIds()).toEqual(["atc-1", "atc-2", "atc-3", purchaseEvent(0, 0).event_id].sort());
    } finally {
      await worker.stop();
    }
  });
});
