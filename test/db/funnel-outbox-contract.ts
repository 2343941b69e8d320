import { beforeEach, describe, expect, it } from "vitest";
import { writeCollected } from "../../app/db/collector-writes.server";
import { countWaitingFunnelEventsAll, deleteDoneFunnelEventsChunk } from "../../app/db/funnel-backlog.server";
import { createFunnelOutbox, type FunnelOutbox } from "../../app/db/funnel-outbox.server";
import { createOutbox } from "../../app/db/outbox.server";
import { createShopStore, type ShopStore } from "../../app/db/shops.server";
import type { FunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import { funnelRows } from "../../app/collector/funnel-rows";
import { TEST_KEY } from "./contract-support";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

// The funnel queue (decision 0034) on one engine: the claim leases waiting funnel_events rows oldest first and
// fairly across shops, never a paused or disabled shop's, never a leased row before its lease ends; a sent row is
// done, its payload gone, and counted once per shop, UTC day and event name; any other outcome moves the row to
// `deliveries` with that status, where the ordinary outbox takes it on; the purge walks done rows in id order.

const T0 = Date.UTC(2026, 10, 30, 12);
const SHOP = "funnel-outbox.myshopify.com";
const OTHER = "funnel-outbox-other.myshopify.com";
const PIXEL = "111";
const LEASE_MS = 60_000;

function funnelEvent(eventId: string, eventName: string, atMs: number): { event: FunnelCapiEvent; matchKeys: string[] } {
  return {
    event: {
      event_name: eventName,
      event_time: Math.floor(atMs / 1000),
      event_id: eventId,
      action_source: "website",
      event_source_url: "https://funnel-outbox.example/products/shoe",
      user_data: { fbp: "fb.1.1700000000000.987654321", client_user_agent: "Mozilla/5.0 (test)" },
      custom_data: { value: 40, currency: "EUR" },
    },
    matchKeys: ["fbp", "client_user_agent"],
  };
}

export function runFunnelOutboxContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`funnel outbox: ${name}`, () => {
    const testDb = suiteDatabase(open);
    const database = () => testDb().database;
    let queue: FunnelOutbox;
    let shops: ShopStore;

    /** Stores one funnel event per id through the collector's writer, in order (ids grow with arrival). */
    async function store(shop: string, eventIds: readonly string[], atMs = T0, eventName = "AddToCart"): Promise<boolean[]> {
      const answers: boolean[] = [];
      for (const eventId of eventIds) {
        const [fresh] = await writeCollected(database(), [{ kind: "funnel", rows: funnelRows(shop, [PIXEL], funnelEvent(eventId, eventName, atMs), atMs) }], atMs);
        answers.push(fresh ?? false);
      }
      return answers;
    }
    const named = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
    const claim = (nowMs: number, limit: number, owner = "w1") => queue.claimDue({ nowMs, limit, owner, leaseMs: LEASE_MS });
    const row = (eventId: string) => database().db.selectFrom("funnel_events").selectAll().where("event_id", "=", eventId).executeTakeFirstOrThrow();
    const counts = async () =>
      (await database().db.selectFrom("funnel_event_counts").selectAll().orderBy("shop").orderBy("day").orderBy("event_name").execute()).map((r) => ({
        ...r,
        sent: Number(r.sent),
      }));
    const deliveries = () => database().db.selectFrom("deliveries").selectAll().orderBy("event_id").execute();

    beforeEach(async () => {
      await truncateAll(database());
      // support.truncateAll predates these tables.
      await database().db.deleteFrom("funnel_events").execute();
      await database().db.deleteFrom("funnel_event_counts").execute();
      queue = createFunnelOutbox(database());
      shops = createShopStore(database(), [TEST_KEY]);
      for (const shop of [SHOP, OTHER]) await shops.saveShopConfig(shop, { pixelIds: [PIXEL], accessToken: "EAAB-token" }, T0);
    });

    describe("claimDue", () => {
      it("leases the oldest waiting rows first, as the worker reads them", async () => {
        await store(SHOP, named("e", 5));
        const claimed = await claim(T0 + 1_000, 3);
        expect(claimed.map((c) => c.eventId)).toEqual(["e000", "e001", "e002"]);
        const [first] = claimed;
        expect(first).toMatchObject({ shop: SHOP, destination: `meta:${PIXEL}`, eventName: "AddToCart", eventTime: Math.floor(T0 / 1000), attempts: 0, sendingStartedAt: null });
        // the payload is the collector's JSON text, the event as it was mapped
        expect(JSON.parse(String(first?.payload))).toEqual(funnelEvent("e000", "AddToCart", T0).event);
        expect(await row("e000")).toMatchObject({ lease_owner: "w1", lease_until: T0 + 1_000 + LEASE_MS, done_at: null });
        expect(await row("e003")).toMatchObject({ lease_owner: null, lease_until: null });
      });

      it("shares one claim round-robin between shops that each have a backlog", async () => {
        // GIVEN the shop that stored first holds the oldest rows, and both hold more than the whole claim
        await store(SHOP, named("s", 30));
        await store(OTHER, named("o", 30));
        // WHEN a claim of 8 is made
        const claimed = await claim(T0 + 1_000, 8);
        // THEN both shops get their oldest rows, in even shares of a quarter of the claim
        expect(claimed.filter((c) => c.shop === SHOP).map((c) => c.eventId)).toEqual(named("s", 4));
        expect(claimed.filter((c) => c.shop === OTHER).map((c) => c.eventId)).toEqual(named("o", 4));
      });

      it("skips leased rows until their lease ends", async () => {
        await store(SHOP, named("e", 3));
        expect((await claim(T0, 2, "w1")).map((c) => c.eventId)).toEqual(["e000", "e001"]);
        // a second worker a second later gets only the row nobody holds
        expect((await claim(T0 + 1_000, 10, "w2")).map((c) => c.eventId)).toEqual(["e002"]);
        expect(await claim(T0 + LEASE_MS, 10, "w3")).toEqual([]);
        // once the first lease has run out its rows are claimable again; the second lease still holds
        expect((await claim(T0 + LEASE_MS + 500, 10, "w3")).map((c) => c.eventId)).toEqual(["e000", "e001"]);
        expect(await row("e000")).toMatchObject({ lease_owner: "w3", lease_until: T0 + 2 * LEASE_MS + 500 });
      });

      it("skips a paused shop and a disabled one, and a shop Tandem does not know", async () => {
        const PAUSED = "funnel-paused.myshopify.com";
        const DISABLED = "funnel-disabled.myshopify.com";
        await shops.saveShopConfig(PAUSED, { pixelIds: [PIXEL], accessToken: "EAAB-token" }, T0);
        await shops.markNeedsAttention(PAUSED, "token refused", T0);
        await shops.saveShopConfig(DISABLED, { pixelIds: [PIXEL], accessToken: "EAAB-token", enabled: false }, T0);
        await store(PAUSED, ["p1"]);
        await store(DISABLED, ["d1"]);
        await store("funnel-unknown.myshopify.com", ["u1"]);
        await store(SHOP, ["s1"]);

        expect((await claim(T0 + 1_000, 10)).map((c) => c.eventId)).toEqual(["s1"]);
        // the paused shop's rows waited, unleased, and are claimed once the pause is lifted
        expect(await row("p1")).toMatchObject({ lease_owner: null, done_at: null });
        await shops.clearNeedsAttention(PAUSED);
        expect((await claim(T0 + 2_000, 10)).map((c) => c.eventId)).toEqual(["p1"]);
      });
    });

    describe("markSent", () => {
      it("marks the rows done, drops their payload, and counts them per shop, UTC day and event name, once", async () => {
        await store(SHOP, ["a1", "a2", "a3"]);
        await store(SHOP, ["v1"], T0, "ViewContent");
        await store(OTHER, ["o1"]);
        const claimed = await claim(T0, 10);
        expect(claimed).toHaveLength(5);
        const ids = claimed.map((c) => c.id);
        // the last millisecond of 30 November, UTC
        const lastMs = Date.UTC(2026, 10, 30, 23, 59, 59, 999);

        await queue.markSent(ids, { nowMs: lastMs, fbtraceId: "trace-1", eventsReceived: 5 });

        for (const eventId of ["a1", "a2", "a3", "v1", "o1"]) {
          expect(await row(eventId)).toMatchObject({ done_at: lastMs, payload: null, lease_owner: null, lease_until: null, sending_started_at: null });
        }
        const firstCounts = [
          { shop: OTHER, day: "2026-11-30", event_name: "AddToCart", sent: 1 },
          { shop: SHOP, day: "2026-11-30", event_name: "AddToCart", sent: 3 },
          { shop: SHOP, day: "2026-11-30", event_name: "ViewContent", sent: 1 },
        ];
        expect(await counts()).toEqual(firstCounts);
        // a second answer for the same rows (a lease that ran out, a retried write) counts nothing more
        await queue.markSent(ids, { nowMs: lastMs + 5, fbtraceId: "trace-2", eventsReceived: 5 });
        expect(await counts()).toEqual(firstCounts);
        expect((await row("a1")).done_at).toBe(lastMs);
        // nothing is left to claim
        expect(await claim(lastMs + 10, 10)).toEqual([]);
        expect(await countWaitingFunnelEventsAll(database(), 100)).toBe(0);

        // the next rows sent that day add to the day's row; a moment later a new UTC day starts its own
        await store(SHOP, ["a4", "a5"]);
        const more = await claim(lastMs, 10);
        await queue.markSent([more[0]?.id ?? -1], { nowMs: lastMs, fbtraceId: null, eventsReceived: 1 });
        await queue.markSent([more[1]?.id ?? -1], { nowMs: lastMs + 1, fbtraceId: null, eventsReceived: 1 });
        expect(await counts()).toEqual([
          firstCounts[0],
          { shop: SHOP, day: "2026-11-30", event_name: "AddToCart", sent: 4 },
          firstCounts[2],
          { shop: SHOP, day: "2026-12-01", event_name: "AddToCart", sent: 1 },
        ]);
      });

      it("a sent event replayed to the collector stores nothing", async () => {
        expect(await store(SHOP, ["r1"])).toEqual([true]);
        const claimed = await claim(T0, 10);
        await queue.markSent(claimed.map((c) => c.id), { nowMs: T0 + 100, fbtraceId: null, eventsReceived: 1 });

        // the row is done but its key stays: the same event again answers false and adds no row
        expect(await store(SHOP, ["r1"], T0 + 200)).toEqual([false]);
        expect(await database().db.selectFrom("funnel_events").select("id").execute()).toHaveLength(1);
        expect(await claim(T0 + 300, 10)).toEqual([]);
        expect((await counts()).map((c) => c.sent)).toEqual([1]);
      });
    });

    describe("the outcomes that move a row to deliveries", () => {
      const cases = [
        {
          status: "retrying",
          mark: (q: FunnelOutbox, ids: number[], nowMs: number) => q.markRetry(ids, { owner: "w1", nowMs, nextAttemptAt: nowMs + 4_000, reason: "transient: Meta error 1" }),
          due: 4_000,
          reason: "transient: Meta error 1",
          fbtrace: null,
        },
        {
          status: "dead",
          mark: (q: FunnelOutbox, ids: number[], nowMs: number) => q.markDead(ids, { owner: "w1", nowMs, reason: "Meta refused the event", fbtraceId: "trace-dead" }),
          due: 0,
          reason: "Meta refused the event",
          fbtrace: "trace-dead",
        },
        {
          status: "needs_attention",
          mark: (q: FunnelOutbox, ids: number[], nowMs: number) => q.markNeedsAttention(ids, { owner: "w1", nowMs, reason: "pixel paused", fbtraceId: "trace-na" }),
          due: 0,
          reason: "pixel paused",
          fbtrace: "trace-na",
        },
      ] as const;

      it.each(cases)("$status: the row moves to deliveries as a funnel row with that status, and is done here", async ({ status, mark, due, reason, fbtrace }) => {
        await store(SHOP, ["m1", "m2"], T0);
        await store(SHOP, ["stays"], T0);
        const before = await row("m1");
        const claimed = await claim(T0 + 1_000, 2);
        const nowMs = T0 + 2_000;

        await expect(mark(queue, claimed.map((c) => c.id), nowMs)).resolves.toBe(2);

        const moved = await deliveries();
        expect(moved.map((d) => d.event_id)).toEqual(["m1", "m2"]);
        expect(moved[0]).toMatchObject({
          shop: SHOP,
          destination: `meta:${PIXEL}`,
          event_name: "AddToCart",
          event_id: "m1",
          provenance: "collector",
          order_id: null,
          status,
          status_reason: reason,
          attempts: 1,
          next_attempt_at: nowMs + due,
          event_time: before.event_time,
          payload: before.payload,
          match_keys: before.match_keys,
          created_at: before.created_at,
          updated_at: nowMs,
          fbtrace_id: fbtrace,
          lease_owner: null,
        });
        // done here, in the same step: neither claimed again nor counted as sent
        expect(await row("m1")).toMatchObject({ done_at: nowMs, payload: null, lease_owner: null });
        expect((await claim(nowMs + 10 * LEASE_MS, 10)).map((c) => c.eventId)).toEqual(["stays"]);
        expect(await counts()).toEqual([]);
        // the same outcome recorded twice moves the rows once
        await expect(mark(queue, claimed.map((c) => c.id), nowMs + 5)).resolves.toBe(0);
        expect(await deliveries()).toHaveLength(2);
      });

      it("a retrying row is the ordinary outbox's from then on: claimed there once its retry is due", async () => {
        await store(SHOP, ["retry-me"]);
        const claimed = await claim(T0, 10);
        await queue.markRetry(claimed.map((c) => c.id), { owner: "w1", nowMs: T0 + 100, nextAttemptAt: T0 + 5_000, reason: "transient" });
        const outbox = createOutbox(database());
        expect(await outbox.claimDue({ nowMs: T0 + 4_999, limit: 10, owner: "orders", leaseMs: LEASE_MS })).toEqual([]);
        const due = await outbox.claimDue({ nowMs: T0 + 5_000, limit: 10, owner: "orders", leaseMs: LEASE_MS });
        expect(due.map((d) => ({ eventId: d.eventId, attempts: d.attempts }))).toEqual([{ eventId: "retry-me", attempts: 1 }]);
        expect(await claim(T0 + 5_000 + LEASE_MS, 10)).toEqual([]);
      });
    });

    describe("markSending and releaseLease", () => {
      it("counts a resend only when a request had already started for the row", async () => {
        await store(SHOP, ["x1", "x2"]);
        const first = await claim(T0, 10);
        const ids = first.map((c) => c.id);
        // the first request: the marker is set, nothing counted
        await queue.markSending(ids, { owner: "w1", nowMs: T0 + 10 });
        expect(await row("x1")).toMatchObject({ sending_started_at: T0 + 10, resends: 0, resent_at: null });

        // the answer never came; the lease runs out and the claim hands the marker to the next worker
        const again = await claim(T0 + LEASE_MS + 1, 10, "w2");
        expect(again.map((c) => c.sendingStartedAt)).toEqual([T0 + 10, T0 + 10]);
        await queue.markSending(ids, { owner: "w2", nowMs: T0 + LEASE_MS + 20 });
        expect(await row("x1")).toMatchObject({ sending_started_at: T0 + LEASE_MS + 20, resends: 1, resent_at: T0 + LEASE_MS + 20 });
        expect(await row("x2")).toMatchObject({ resends: 1 });
      });

      it("releaseLease makes the rows claimable again at once", async () => {
        await store(SHOP, ["l1", "l2", "l3"]);
        const claimed = await claim(T0, 2);
        expect(await claim(T0 + 1, 10)).toHaveLength(1);
        await expect(queue.releaseLease(claimed.map((c) => c.id), { owner: "w1" })).resolves.toBe(2);
        expect(await row("l1")).toMatchObject({ lease_owner: null, lease_until: null, done_at: null });
        expect((await claim(T0 + 2, 10, "w2")).map((c) => c.eventId)).toEqual(["l1", "l2"]);
      });
    });

    describe("results fenced by the lease (decision 0036)", () => {
      const LATE = T0 + LEASE_MS + 1;

      /** w1 claims the rows; its lease runs out while Meta is slow; w2 claims them again. */
      async function reclaimed(eventIds: readonly string[]): Promise<number[]> {
        await store(SHOP, eventIds);
        const first = await claim(T0, 10, "w1");
        const again = await claim(LATE, 10, "w2");
        expect(again.map((c) => c.id)).toEqual(first.map((c) => c.id));
        return first.map((c) => c.id);
      }

      it("drops a stale failure: nothing moves to deliveries, the row stays w2's to record", async () => {
        const ids = await reclaimed(["f1", "f2"]);
        // WHEN w1's timeout lands while w2's request is out THEN no outcome of w1's is recorded, and w1 learns so
        await expect(queue.markRetry(ids, { owner: "w1", nowMs: LATE + 5, nextAttemptAt: LATE + 5_000, reason: "transient" })).resolves.toBe(0);
        await expect(queue.markDead(ids, { owner: "w1", nowMs: LATE + 5, reason: "dead" })).resolves.toBe(0);
        await expect(queue.markNeedsAttention(ids, { owner: "w1", nowMs: LATE + 5, reason: "paused" })).resolves.toBe(0);
        expect(await deliveries()).toEqual([]);
        expect(await row("f1")).toMatchObject({ lease_owner: "w2", done_at: null, payload: expect.any(String) });
        // AND w2's own outcome is recorded as usual
        await queue.markSent(ids, { nowMs: LATE + 10, fbtraceId: "w2-trace", eventsReceived: 2 });
        await expect(queue.markRetry(ids, { owner: "w1", nowMs: LATE + 20, nextAttemptAt: LATE + 5_000, reason: "transient" })).resolves.toBe(0);
        expect(await deliveries()).toEqual([]);
        expect((await counts()).map((c) => c.sent)).toEqual([2]);
      });

      it("moves only the rows the caller still holds when part of its batch was reclaimed", async () => {
        await store(SHOP, ["p1", "p2", "p3"]);
        const claimed = await claim(T0, 10, "w1");
        await database().db.updateTable("funnel_events").set({ lease_owner: "w2" }).where("event_id", "=", "p1").execute();
        await expect(queue.markDead(claimed.map((c) => c.id), { owner: "w1", nowMs: T0 + 5, reason: "Meta refused the event" })).resolves.toBe(2);
        expect((await deliveries()).map((d) => d.event_id)).toEqual(["p2", "p3"]);
        expect(await row("p1")).toMatchObject({ lease_owner: "w2", done_at: null });
      });

      it("drops a stale release and a stale request start: w2 keeps its lease and its marker", async () => {
        const ids = await reclaimed(["r1", "r2"]);
        await expect(queue.markSending(ids, { owner: "w2", nowMs: LATE + 2 })).resolves.toBe(2);
        await expect(queue.markSending(ids, { owner: "w1", nowMs: LATE + 3 })).resolves.toBe(0);
        // WHEN w1 shuts down and hands back what it had claimed
        await expect(queue.releaseLease(ids, { owner: "w1" })).resolves.toBe(0);
        // THEN w2 still holds the rows, so no third worker claims them
        expect(await row("r1")).toMatchObject({ lease_owner: "w2", lease_until: LATE + LEASE_MS, sending_started_at: LATE + 2, resends: 0 });
        expect(await claim(LATE + 4, 10, "w3")).toEqual([]);
      });

      it("records sent whoever holds the row: counted once, and w2's failure afterwards is dropped", async () => {
        const ids = await reclaimed(["s1"]);
        await queue.markSent(ids, { nowMs: LATE + 5, fbtraceId: "w1-trace", eventsReceived: 1 });
        expect(await row("s1")).toMatchObject({ done_at: LATE + 5, lease_owner: null, payload: null });
        await expect(queue.markRetry(ids, { owner: "w2", nowMs: LATE + 6, nextAttemptAt: LATE + 5_000, reason: "transient" })).resolves.toBe(0);
        await queue.markSent(ids, { nowMs: LATE + 7, fbtraceId: "w2-trace", eventsReceived: 1 });
        expect(await deliveries()).toEqual([]);
        expect((await counts()).map((c) => c.sent)).toEqual([1]);
      });

      it("sent wins over a row w2 moved to deliveries meanwhile: it is recorded sent there, not sent a third time", async () => {
        const ids = await reclaimed(["m1", "m2"]);
        // GIVEN w2's request failed and moved the rows to deliveries, to be retried
        await expect(queue.markRetry(ids, { owner: "w2", nowMs: LATE + 5, nextAttemptAt: LATE + 4_000, reason: "transient" })).resolves.toBe(2);
        expect((await deliveries()).map((d) => d.status)).toEqual(["retrying", "retrying"]);
        // WHEN w1's request, out since before its lease ran out, is answered: accepted
        await queue.markSent(ids, { nowMs: LATE + 9, fbtraceId: "w1-trace", eventsReceived: 2 });
        // THEN deliveries says so, and the orders' worker finds nothing to send
        expect(await deliveries()).toEqual([
          expect.objectContaining({ event_id: "m1", status: "sent", status_reason: null, attempts: 2, sent_at: LATE + 9, fbtrace_id: "w1-trace", lease_owner: null }),
          expect.objectContaining({ event_id: "m2", status: "sent", sent_at: LATE + 9 }),
        ]);
        const outbox = createOutbox(database());
        expect(await outbox.claimDue({ nowMs: LATE + 60_000, limit: 10, owner: "orders", leaseMs: LEASE_MS })).toEqual([]);
        // the moved rows are deliveries rows now; the queue's count of sent events is not added to
        expect(await counts()).toEqual([]);
      });
    });

    describe("deleteDoneFunnelEventsChunk", () => {
      it("walks in id order, deletes rows done before the cutoff, steps over waiting rows, and stops at rows newer than the cutoff", async () => {
        const cutoff = T0 + 5_000;
        // in arrival order: done long ago, waiting (a paused shop's), done after the cutoff, done before it,
        // then two rows that arrived after the cutoff
        await store(SHOP, ["a"], T0);
        await store(SHOP, ["b"], T0 + 1);
        await store(SHOP, ["e"], T0 + 2);
        await store(SHOP, ["c"], T0 + 3);
        await store(SHOP, ["d"], T0 + 10_000);
        await store(SHOP, ["f"], T0 + 10_002);
        const idOf = async (eventId: string) => Number((await row(eventId)).id);
        const sendAt = async (eventId: string, nowMs: number) => queue.markSent([await idOf(eventId)], { nowMs, fbtraceId: null, eventsReceived: 1 });
        await sendAt("a", T0 + 1);
        await sendAt("e", T0 + 6_000);
        await sendAt("c", T0 + 4);
        await sendAt("d", T0 + 10_001);
        await sendAt("f", T0 + 10_003);
        const id = Object.fromEntries(await Promise.all(["b", "c", "f"].map(async (e) => [e, await idOf(e)] as const)));

        const first = await deleteDoneFunnelEventsChunk(database(), cutoff, 2, 0);
        expect(first).toEqual({ deleted: 1, next: id.b });
        const second = await deleteDoneFunnelEventsChunk(database(), cutoff, 2, first.next ?? -1);
        expect(second).toEqual({ deleted: 1, next: id.c });
        const third = await deleteDoneFunnelEventsChunk(database(), cutoff, 2, second.next ?? -1);
        // d arrived after the cutoff: nothing past it can be due, so the walk ends
        expect(third).toEqual({ deleted: 0, next: null });

        const left = await database().db.selectFrom("funnel_events").select("event_id").orderBy("id").execute();
        expect(left.map((r) => r.event_id)).toEqual(["b", "e", "d", "f"]);
        // the waiting row is still waiting, payload and all
        expect(await row("b")).toMatchObject({ done_at: null, payload: expect.stringContaining('"event_id":"b"') });
        // past the last row there is nothing to do
        expect(await deleteDoneFunnelEventsChunk(database(), cutoff, 2, id.f ?? -1)).toEqual({ deleted: 0, next: null });
      });
    });
  });
}
