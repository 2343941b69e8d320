import { beforeEach, describe, expect, it } from "vitest";
import { writeCollected } from "../../app/db/collector-writes.server";
import { countUnsentFunnel } from "../../app/db/funnel-backlog.server";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDeliveryRecord, NewFunnelEventRecord } from "../../app/db/schema";
import { createShopStore } from "../../app/db/shops.server";
import { createBacklogGate } from "../../app/collector/funnel-backlog-gate";
import { trimFunnelBacklogs } from "../../app/maintenance/funnel-backlog.server";
import { DAY_MS, HOUR_MS, purgeExpired } from "../../app/maintenance/purge.server";
import { startRetentionSchedule } from "../../app/maintenance/schedule.server";
import { createMetrics } from "../../app/observability/metrics.server";
import { TEST_KEY } from "./contract-support";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

// Funnel volume (decision 0030) on one engine: sent funnel rows go after RETENTION_FUNNEL_HOURS and nothing else
// does; a shop's unsent funnel rows are held to the cap, oldest first, never a Purchase, every drop counted; the
// collector's gate refuses while a shop is over the cap by its margin. Funnel events wait in funnel_events
// (decision 0034); those whose first try failed, and those stored before that table, are funnel rows of
// `deliveries`: the backlog is both, and the cap gives the failed ones up first.

const T0 = Date.UTC(2026, 10, 30, 12);
const SHOP = "funnel-volume.myshopify.com";
const OTHER = "funnel-other.myshopify.com";
const noop = async () => undefined;

type Row = Partial<NewDeliveryRecord> & { event_id: string };

function funnelRow(overrides: Row): NewDeliveryRecord {
  return {
    shop: SHOP,
    destination: "meta:111",
    event_name: "AddToCart",
    provenance: "collector",
    order_id: null,
    order_name: null,
    event_time: Math.floor(T0 / 1000),
    payload: JSON.stringify({ event_name: "AddToCart" }),
    match_keys: '["fbp"]',
    status: "pending",
    status_reason: null,
    attempts: 0,
    next_attempt_at: T0,
    created_at: T0,
    updated_at: T0,
    order_kind: null,
    ...overrides,
  };
}

/** A funnel event waiting in funnel_events for its first try. */
function waitingRow(overrides: Partial<NewFunnelEventRecord> & { event_id: string }): NewFunnelEventRecord {
  return {
    shop: SHOP,
    destination: "meta:111",
    event_name: "AddToCart",
    event_time: Math.floor(T0 / 1000),
    payload: JSON.stringify({ event_name: "AddToCart" }),
    match_keys: '["fbp"]',
    created_at: T0,
    ...overrides,
  };
}

function purchaseRow(overrides: Row): NewDeliveryRecord {
  return funnelRow({ event_name: "Purchase", provenance: "note_attribute", order_id: overrides.event_id.replace(/\D/g, "") || "1", order_name: "#1", ...overrides });
}

function testLogger() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const at = (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message });
  return { lines, logger: { info: at, warn: at, error: at } };
}

async function droppedCount(metrics: ReturnType<typeof createMetrics>, reason: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric("tandem_funnel_events_dropped_total");
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

export function runFunnelVolumeContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`funnel volume: ${name}`, () => {
    const testDb = suiteDatabase(open);
    const database = () => testDb().database;
    const insert = (rows: NewDeliveryRecord[]) => database().db.insertInto("deliveries").values(rows).execute();
    const insertWaiting = (rows: NewFunnelEventRecord[]) => database().db.insertInto("funnel_events").values(rows).execute();
    const ids = async (where: { shop?: string; provenance?: string } = {}) => {
      let query = database().db.selectFrom("deliveries").select("event_id").orderBy("event_id");
      if (where.shop) query = query.where("shop", "=", where.shop);
      if (where.provenance) query = query.where("provenance", "=", where.provenance);
      return (await query.execute()).map((r) => r.event_id);
    };
    /** funnel_events rows of a shop (or every shop), waiting or done as asked. */
    const funnelEventIds = async (where: { shop?: string; done?: boolean } = {}) => {
      let query = database().db.selectFrom("funnel_events").select("event_id").orderBy("event_id");
      if (where.shop) query = query.where("shop", "=", where.shop);
      if (where.done !== undefined) query = query.where("done_at", where.done ? "is not" : "is", null);
      return (await query.execute()).map((r) => r.event_id);
    };
    /** A shop's funnel events not sent yet, in either table (the backlog the cap bounds; a dead row is finished). */
    const unsentFunnelIds = async (shop = SHOP) => {
      const failed = await database()
        .db.selectFrom("deliveries")
        .select("event_id")
        .where("shop", "=", shop)
        .where("provenance", "=", "collector")
        .where("status", "in", ["pending", "retrying", "needs_attention", "held"])
        .execute();
      return [...failed.map((r) => r.event_id), ...(await funnelEventIds({ shop, done: false }))].sort();
    };
    const configure = async (shop: string) => {
      await createShopStore(database(), [TEST_KEY]).saveShopConfig(shop, { pixelIds: ["111"], accessToken: "EAAB-token" }, T0);
    };

    beforeEach(async () => {
      await truncateAll(database());
      // support.truncateAll predates these tables; a row left here would count in the next test's backlog.
      await database().db.deleteFrom("funnel_events").execute();
      await database().db.deleteFrom("funnel_event_counts").execute();
    });

    it("retention deletes only funnel rows sent longer ago than the funnel window", async () => {
      // GIVEN funnel rows sent 25 h and 23 h ago, funnel rows that failed or still wait, and Purchases sent long ago
      const now = T0 + 10 * DAY_MS;
      await insert([
        funnelRow({ event_id: "f-sent-old", status: "sent", sent_at: now - 25 * HOUR_MS, created_at: now - 26 * HOUR_MS }),
        funnelRow({ event_id: "f-sent-recent", status: "sent", sent_at: now - 23 * HOUR_MS, created_at: now - 26 * HOUR_MS }),
        // created long ago, sent a moment ago (a paused shop resumed): the window counts from the send
        funnelRow({ event_id: "f-sent-late", status: "sent", sent_at: now - HOUR_MS, created_at: now - 3 * DAY_MS }),
        funnelRow({ event_id: "f-dead-old", status: "dead", status_reason: "Meta refused it", created_at: now - 2 * DAY_MS }),
        funnelRow({ event_id: "f-pending-old", status: "pending", created_at: now - 2 * DAY_MS }),
        funnelRow({ event_id: "f-paused-old", status: "needs_attention", created_at: now - 2 * DAY_MS }),
        purchaseRow({ event_id: "p-sent-old-1", status: "sent", sent_at: now - 5 * DAY_MS, created_at: now - 5 * DAY_MS }),
      ]);

      // WHEN retention runs with the default 24 h
      const result = await purgeExpired({ database: database() }, { payloadDays: 8, metadataDays: 90 }, now);

      // THEN only the funnel row sent 25 h ago is gone, and it is counted
      expect(await ids()).toEqual(["f-dead-old", "f-paused-old", "f-pending-old", "f-sent-late", "f-sent-recent", "p-sent-old-1"]);
      expect(result.rowsDeleted).toBe(1);
      // a shorter RETENTION_FUNNEL_HOURS takes the one sent 23 h ago too, and still no other row
      await purgeExpired({ database: database() }, { payloadDays: 8, metadataDays: 90, funnelHours: 2 }, now);
      expect(await ids()).toEqual(["f-dead-old", "f-paused-old", "f-pending-old", "f-sent-late", "p-sent-old-1"]);
    });

    it("retention deletes funnel events done longer ago than the funnel window, never one still waiting", async () => {
      // GIVEN, in arrival order: an event waiting for days (a paused shop's), one that waited and was sent an
      // hour ago, one sent 25 h ago and one sent 23 h ago
      const now = T0 + 10 * DAY_MS;
      await insertWaiting([
        waitingRow({ event_id: "w-waiting-old", created_at: now - 3 * DAY_MS }),
        waitingRow({ event_id: "w-sent-late", created_at: now - 3 * DAY_MS + 1, done_at: now - HOUR_MS, payload: null }),
        waitingRow({ event_id: "w-sent-old", created_at: now - 26 * HOUR_MS, done_at: now - 25 * HOUR_MS, payload: null }),
        waitingRow({ event_id: "w-sent-recent", created_at: now - 24 * HOUR_MS + 1, done_at: now - 23 * HOUR_MS, payload: null }),
      ]);

      // WHEN retention runs with the default 24 h
      const result = await purgeExpired({ database: database() }, { payloadDays: 8, metadataDays: 90 }, now);

      // THEN only the event done 25 h ago is gone, and it is counted; a shorter window takes the 23 h one too
      expect(result.rowsDeleted).toBe(1);
      expect(await funnelEventIds()).toEqual(["w-sent-late", "w-sent-recent", "w-waiting-old"]);
      await purgeExpired({ database: database() }, { payloadDays: 8, metadataDays: 90, funnelHours: 2 }, now);
      expect(await funnelEventIds()).toEqual(["w-sent-late", "w-waiting-old"]);
    });

    it("retention deletes sent funnel rows in chunks, all of them", async () => {
      const now = T0 + DAY_MS * 3;
      const many = Array.from({ length: 1_203 }, (_, i) =>
        funnelRow({ event_id: `f${String(i).padStart(5, "0")}`, status: "sent", sent_at: now - 2 * DAY_MS, created_at: now - 2 * DAY_MS }),
      );
      for (let i = 0; i < many.length; i += 300) await insert(many.slice(i, i + 300));
      let pauses = 0;
      const result = await purgeExpired({ database: database() }, { payloadDays: 8, metadataDays: 90 }, now, async () => void pauses++);
      expect(result.rowsDeleted).toBe(1_203);
      expect(await ids()).toEqual([]);
      expect(pauses).toBeGreaterThan(1);
    });

    it("the cap drops the oldest unsent funnel rows first, never a Purchase, and counts the drop", async () => {
      // GIVEN a shop with 15 unsent funnel rows (pending, retrying, paused) and older unsent Purchases, and
      // another shop under the cap
      await configure(SHOP);
      await configure(OTHER);
      const statuses = ["pending", "retrying", "needs_attention"] as const;
      await insert([
        purchaseRow({ event_id: "p-1", status: "pending", created_at: T0 - 10 }),
        purchaseRow({ event_id: "p-2", status: "needs_attention", created_at: T0 - 9 }),
        ...Array.from({ length: 15 }, (_, i) => funnelRow({ event_id: `f${String(i).padStart(2, "0")}`, status: statuses[i % 3], created_at: T0 + i })),
        funnelRow({ event_id: "f-sent", status: "sent", sent_at: T0, created_at: T0 - 100 }),
        ...Array.from({ length: 5 }, (_, i) => funnelRow({ shop: OTHER, event_id: `o${i}`, created_at: T0 + i })),
      ]);
      const metrics = createMetrics({ defaultMetrics: false });
      const { lines, logger } = testLogger();

      // WHEN the backlog is trimmed to a cap of 10
      const dropped = await trimFunnelBacklogs({ database: database(), logger, metrics }, 10, T0 + 1_000, noop);

      // THEN the 5 oldest funnel rows went; the Purchases, the sent row and the other shop's rows stayed
      expect(dropped).toBe(5);
      expect(await ids({ shop: SHOP })).toEqual(["f-sent", "f05", "f06", "f07", "f08", "f09", "f10", "f11", "f12", "f13", "f14", "p-1", "p-2"]);
      expect(await ids({ shop: OTHER })).toEqual(["o0", "o1", "o2", "o3", "o4"]);
      expect(await droppedCount(metrics, "backlog")).toBe(5);
      // one line for the operator, with the shop and the counts and nothing about shoppers
      expect(lines).toEqual([{ fields: { shop: SHOP, dropped: 5, backlog: 15, cap: 10 }, message: expect.stringContaining("funnel backlog over its cap") }]);
      // a second pass finds nothing to do
      expect(await trimFunnelBacklogs({ database: database(), logger, metrics }, 10, T0 + 2_000, noop)).toBe(0);
      expect(await droppedCount(metrics, "backlog")).toBe(5);
    });

    it("a backlog far over the cap is trimmed to exactly the cap in one pass, every drop counted", async () => {
      // GIVEN 700 funnel rows whose first try failed (the oldest) and 10,000 waiting in funnel_events
      await configure(SHOP);
      const key = (i: number) => `f${String(i).padStart(5, "0")}`;
      const failed = Array.from({ length: 700 }, (_, i) => funnelRow({ event_id: key(i), status: "retrying", created_at: T0 + i }));
      for (let i = 0; i < failed.length; i += 500) await insert(failed.slice(i, i + 500));
      const waiting = Array.from({ length: 10_000 }, (_, i) => waitingRow({ event_id: key(700 + i), created_at: T0 + 700 + i }));
      for (let i = 0; i < waiting.length; i += 500) await insertWaiting(waiting.slice(i, i + 500));
      const metrics = createMetrics({ defaultMetrics: false });
      const { logger } = testLogger();
      expect(await trimFunnelBacklogs({ database: database(), logger, metrics }, 100, T0 + 20_000, noop)).toBe(10_600);
      expect(await countUnsentFunnel(database(), SHOP, 20_000)).toBe(100);
      expect(await droppedCount(metrics, "backlog")).toBe(10_600);
      // the newest hundred are the ones kept
      expect(await unsentFunnelIds()).toEqual(Array.from({ length: 100 }, (_, i) => key(10_600 + i)));
    });

    it("the cap gives up the failed funnel rows first, then the oldest waiting events, never one being sent", async () => {
      // GIVEN funnel rows whose first try failed in deliveries (three unsent, one dead), events in funnel_events
      // (one sent, the oldest waiting one out for sending right now, four more waiting), and a Purchase
      await configure(SHOP);
      await insert([
        funnelRow({ event_id: "d0", status: "retrying", created_at: T0 + 5 }),
        funnelRow({ event_id: "d1", status: "needs_attention", created_at: T0 + 6 }),
        funnelRow({ event_id: "d2", status: "dead", created_at: T0 + 7 }),
        funnelRow({ event_id: "d3", status: "retrying", created_at: T0 + 8 }),
        purchaseRow({ event_id: "p-1", created_at: T0 }),
      ]);
      await insertWaiting([
        waitingRow({ event_id: "w0-sent", created_at: T0, done_at: T0 + 1, payload: null }),
        waitingRow({ event_id: "w1-leased", created_at: T0 + 1, lease_owner: "w1", lease_until: T0 + 60_000 }),
        waitingRow({ event_id: "w2", created_at: T0 + 2 }),
        waitingRow({ event_id: "w3", created_at: T0 + 3 }),
        waitingRow({ event_id: "w4", created_at: T0 + 4 }),
        waitingRow({ event_id: "w5", created_at: T0 + 10 }),
      ]);
      const metrics = createMetrics({ defaultMetrics: false });
      const { logger } = testLogger();

      // WHEN the backlog (3 unsent failed rows + 5 waiting = 8; the dead row is not unsent) is trimmed to 3
      expect(await countUnsentFunnel(database(), SHOP, 1_000)).toBe(8);
      expect(await trimFunnelBacklogs({ database: database(), logger, metrics }, 3, T0 + 1_000, noop)).toBe(5);

      // THEN the failed rows went first, then the two oldest waiting events not being sent
      expect(await unsentFunnelIds()).toEqual(["w1-leased", "w4", "w5"]);
      expect(await funnelEventIds({ done: true })).toEqual(["w0-sent"]);
      expect(await ids()).toEqual(["d2", "p-1"]);
      expect(await droppedCount(metrics, "backlog")).toBe(5);
    });

    it("a row a worker is sending right now is not dropped", async () => {
      await configure(SHOP);
      await insert([
        funnelRow({ event_id: "f-leased", created_at: T0, lease_owner: "w1", lease_until: T0 + 60_000 }),
        funnelRow({ event_id: "f-lease-over", created_at: T0 + 1, lease_owner: "w1", lease_until: T0 - 1 }),
        funnelRow({ event_id: "f-new", created_at: T0 + 2 }),
      ]);
      const { logger } = testLogger();
      // three unsent, a cap of two: the oldest one not out for sending goes
      expect(await trimFunnelBacklogs({ database: database(), logger }, 2, T0 + 1_000, noop)).toBe(1);
      expect(await ids()).toEqual(["f-leased", "f-new"]);
    });

    it("a paused shop's funnel backlog stays bounded while every Purchase is kept", async () => {
      // GIVEN a shop paused for its token: nothing is sent for it
      await configure(SHOP);
      await createShopStore(database(), [TEST_KEY]).markNeedsAttention(SHOP, "token refused", T0);
      const cap = 100;
      const metrics = createMetrics({ defaultMetrics: false });
      const { logger } = testLogger();
      const gate = createBacklogGate({ cap, ttlMs: 0, count: (shop, limit) => countUnsentFunnel(database(), shop, limit) });
      let refused = 0;
      // AND five of its funnel events whose first try met the pause moved to deliveries before
      const moved = Array.from({ length: 5 }, (_, i) => `m-${i}`);
      await insert(moved.map((eventId, i) => funnelRow({ event_id: eventId, status: "needs_attention", attempts: 1, created_at: T0 - 1_000 + i })));
      const stored: string[] = [...moved];
      // WHEN shoppers keep browsing for ten rounds of 60 events, orders keep coming, and maintenance runs between rounds
      for (let round = 0; round < 10; round++) {
        const at = T0 + round * 60_000;
        for (let i = 0; i < 60; i++) {
          if (await gate.isFull(SHOP, at + i)) {
            refused++;
            continue;
          }
          const eventId = `r${round}-${String(i).padStart(2, "0")}`;
          expect(await writeCollected(database(), [{ kind: "funnel", rows: [waitingRow({ event_id: eventId, created_at: at + i })] }], at + i)).toEqual([true]);
          stored.push(eventId);
        }
        await insert([purchaseRow({ event_id: `p-${round}`, created_at: at })]);
        // between passes the collector holds it to the cap plus its 10 % margin
        expect(await countUnsentFunnel(database(), SHOP, 10_000)).toBeLessThanOrEqual(cap * 1.1 + 1);
        await trimFunnelBacklogs({ database: database(), logger, metrics }, cap, at + 59_999, noop);
        // THEN after each pass the funnel backlog is at most the cap
        expect(await countUnsentFunnel(database(), SHOP, 10_000)).toBeLessThanOrEqual(cap);
      }
      // every Purchase is still there, and the funnel rows kept are the newest
      expect(await ids({ provenance: "note_attribute" })).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i}`));
      const kept = await unsentFunnelIds();
      expect(kept).toEqual(stored.slice(-cap).sort());
      // the moved rows, the oldest, were the first to go
      expect(await ids({ provenance: "collector" })).toEqual([]);
      // nothing vanished uncounted: what was stored and is gone was dropped by the cap; the rest was refused
      expect(stored.length - kept.length).toBe(await droppedCount(metrics, "backlog"));
      expect(stored.length - moved.length + refused).toBe(600);
      expect(refused).toBeGreaterThan(0);
    });

    it("the collector's gate refuses while a shop is over the cap by its margin, and lets events in again once trimmed", async () => {
      await configure(SHOP);
      await insert(Array.from({ length: 111 }, (_, i) => funnelRow({ event_id: `f${String(i).padStart(3, "0")}`, created_at: T0 + i })));
      let counts = 0;
      const count = (shop: string, limit: number) => {
        counts++;
        return countUnsentFunnel(database(), shop, limit);
      };
      // 111 rows: over a cap of 100 by more than 10 % → refused; the answer is remembered for the window
      const gate = createBacklogGate({ cap: 100, ttlMs: 30_000, count });
      expect(await gate.isFull(SHOP, T0)).toBe(true);
      expect(await gate.isFull(SHOP, T0 + 29_999)).toBe(true);
      expect(counts).toBe(1);
      // 110 rows is within the margin: accepted
      const { logger } = testLogger();
      await trimFunnelBacklogs({ database: database(), logger }, 110, T0 + 1_000, noop);
      expect(await gate.isFull(SHOP, T0 + 30_000)).toBe(false);
      expect(counts).toBe(2);
    });

    it("the maintenance schedule trims with FUNNEL_BACKLOG_MAX and reports the drops to its metrics", async () => {
      // GIVEN 20 failed funnel rows in deliveries and 110 events waiting in funnel_events: 30 over a cap of 100
      await configure(SHOP);
      const key = (i: number) => `f${String(i).padStart(3, "0")}`;
      await insert(Array.from({ length: 20 }, (_, i) => funnelRow({ event_id: key(i), status: "retrying", created_at: T0 + i })));
      await insertWaiting(Array.from({ length: 110 }, (_, i) => waitingRow({ event_id: key(20 + i), created_at: T0 + 20 + i })));
      const metrics = createMetrics({ defaultMetrics: false });
      const { logger } = testLogger();
      const shops = createShopStore(database(), [TEST_KEY]);
      const schedule = startRetentionSchedule(
        {
          database: database(),
          outbox: createOutbox(database()),
          shops,
          queue: { notify: async () => undefined },
          logger,
          env: { RETENTION_PAYLOAD_DAYS: 8, RETENTION_METADATA_DAYS: 90, RETENTION_RECEIPT_DAYS: 30, RETENTION_FUNNEL_HOURS: 24, FUNNEL_BACKLOG_MAX: 100 },
          metrics,
        },
        { now: () => T0 + 1_000, intervalMs: 3_600_000, jobPollMs: 3_600_000, backlogIntervalMs: 3_600_000, gapMs: 0 },
      );
      try {
        await schedule.trimBacklogsNow();
        expect(await countUnsentFunnel(database(), SHOP, 1_000)).toBe(100);
        expect(await droppedCount(metrics, "backlog")).toBe(30);
        // the 30 oldest went: every failed row, then the 10 oldest waiting events
        expect(await unsentFunnelIds()).toEqual(Array.from({ length: 100 }, (_, i) => key(30 + i)));
      } finally {
        await schedule.stop();
      }
    });
  });
}
