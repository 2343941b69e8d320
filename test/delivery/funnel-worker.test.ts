import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WEB_FUNNEL_CLAIM_LIMIT } from "../../app/delivery/build-worker.server";
import { writeCollected, type FunnelWrite } from "../../app/db/collector-writes.server";
import { countWaitingFunnelEventsAll } from "../../app/db/funnel-backlog.server";
import { funnelRows } from "../../app/collector/funnel-rows";
import { enqueuePurchases, PIXEL, purchaseEvent, SHOP, startConfiguredHarness, buildPairedWorker, addToCartEvent, type Harness } from "./harness";

// The paired worker of a web process (decision 0034) against the Meta simulator: funnel events are sent from
// their own queue; one whose first try fails moves to `deliveries` and is retried there by the orders' worker;
// and a Purchase never waits behind a shop's funnel backlog, because each queue has a worker of its own.

const WAIT_FOR_RETRY_MS = 10_000; // above the retry cap given below (8 s)

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(() => h.close());


/** Stores funnel events as the collector does: one write per event, one row for the shop's pixel. */
async function collect(eventIds: readonly string[]): Promise<void> {
  const writes: FunnelWrite[] = eventIds.map((eventId) => ({ kind: "funnel", rows: funnelRows(SHOP, [PIXEL], addToCartEvent(h, eventId), h.clock.now()) }));
  expect(await writeCollected(h.database, writes, h.clock.now())).toEqual(eventIds.map(() => true));
}

const deliveryOf = (eventId: string) => h.database.db.selectFrom("deliveries").selectAll().where("event_id", "=", eventId).executeTakeFirst();
const funnelEventOf = (eventId: string) => h.database.db.selectFrom("funnel_events").selectAll().where("event_id", "=", eventId).executeTakeFirstOrThrow();
const acceptedIds = () => h.sim.accepted.map((a) => a.event.event_id);

describe("the funnel worker", () => {
  it("moves a funnel event Meta answers with a transient error to deliveries, where the orders' worker sends it once due", async () => {
    await collect(["atc-1"]);
    h.sim.injectFailures({ kind: "http500", count: 1 });
    const worker = buildPairedWorker(h);

    // WHEN the first try meets a 500
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1, sent: 0 });

    // THEN the event left the funnel queue (done, payload gone, not counted as sent) for a retrying funnel row
    expect(h.sim.requests.map((r) => ({ status: r.status, eventIds: r.eventIds }))).toEqual([{ status: 500, eventIds: ["atc-1"] }]);
    expect(await funnelEventOf("atc-1")).toMatchObject({ done_at: h.clock.now(), payload: null });
    expect(await h.database.db.selectFrom("funnel_event_counts").selectAll().execute()).toEqual([]);
    const moved = await deliveryOf("atc-1");
    expect(moved).toMatchObject({ shop: SHOP, destination: `meta:${PIXEL}`, event_name: "AddToCart", provenance: "collector", status: "retrying", attempts: 1 });
    expect(moved?.status_reason).toMatch(/^transient: /);
    expect(moved?.next_attempt_at).toBeGreaterThan(h.clock.now());
    expect(JSON.parse(moved?.payload ?? "null")).toEqual(addToCartEvent(h, "atc-1").event);

    // AND before its retry is due, neither worker takes it
    expect((await worker.runOnce()).claimed).toBe(0);

    // WHEN the retry is due
    h.clock.advance(WAIT_FOR_RETRY_MS);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });

    // THEN the orders' worker sent it from deliveries, and Meta has it once
    expect(await deliveryOf("atc-1")).toMatchObject({ status: "sent", attempts: 2, provenance: "collector" });
    expect(h.sim.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(acceptedIds()).toEqual(["atc-1"]);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    expect((await worker.runOnce()).claimed).toBe(0);
  });

  it("sends a Purchase in its first pass while the same shop's funnel backlog of 3,000 events waits", async () => {
    // GIVEN 3,000 funnel events stored before the order's Purchase
    await collect(Array.from({ length: 3_000 }, (_, i) => `atc-${i}`));
    await enqueuePurchases(h, 1);
    const purchaseId = purchaseEvent(0, 0).event_id;
    const worker = buildPairedWorker(h);

    // WHEN the worker makes one pass
    const summary = await worker.runOnce();

    // THEN the Purchase is sent in it, next to one funnel claim; the rest of the backlog still waits
    expect(acceptedIds()).toContain(purchaseId);
    expect(await deliveryOf(purchaseId)).toMatchObject({ status: "sent", attempts: 1 });
    expect(summary).toMatchObject({ claimed: 1 + WEB_FUNNEL_CLAIM_LIMIT, sent: 1 + WEB_FUNNEL_CLAIM_LIMIT, retried: 0 });
    expect(await countWaitingFunnelEventsAll(h.database, 10_000)).toBe(3_000 - WEB_FUNNEL_CLAIM_LIMIT);
    // the funnel events went oldest first
    expect(await funnelEventOf("atc-0")).toMatchObject({ payload: null });
    expect((await funnelEventOf(`atc-${WEB_FUNNEL_CLAIM_LIMIT}`)).done_at).toBeNull();
  });
});
