import { beforeEach, describe, expect, it } from "vitest";
import { writeCollected } from "../../app/db/collector-writes.server";
import { countUnsentFunnel } from "../../app/db/funnel-backlog.server";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDeliveryRecord } from "../../app/db/schema";
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
// collector's gate refuses while a shop is over the cap by its margin.

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
    const ids = async (where: { shop?: string; provenance?: string } = {}) => {
      let query = database().db.selectFrom("deliveries").select("event_id").orderBy("event_id");
      if (where.shop) query = query.where("shop", "=", where.shop);
      if (where.provenance) query = query.where("provenance", "=", where.provenance);
      return (await query.execute()).map((r) => r.event_id);
    };
    const configure = async (shop: string) => {
      await createShopStore(database(), [TEST_KEY]).saveShopConfig(shop, { pixelIds: ["111"], accessToken: "EAAB-token" }, T0);
    };

    beforeEach(async () => {
      await truncateAll(database());
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
      await configure(SHOP);
      const rows = Array.from({ length: 10_700 }, (_, i) => funnelRow({ event_id: `f${String(i).padStart(5, "0")}`, created_at: T0 + i }));
      for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
      const metrics = createMetrics({ defaultMetrics: false });
      const { logger } = testLogger();
      expect(await trimFunnelBacklogs({ database: database(), logger, metrics }, 100, T0 + 20_000, noop)).toBe(10_600);
      expect(await countUnsentFunnel(database(), SHOP, 20_000)).toBe(100);
      expect(await droppedCount(metrics, "backlog")).toBe(10_600);
      // the newest hundred are the ones kept
      expect((await ids()).slice(0, 1)).toEqual(["f10600"]);
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
      const stored: string[] = [];
      // WHEN shoppers keep browsing for ten rounds of 60 events, orders keep coming, and maintenance runs between rounds
      for (let round = 0; round < 10; round++) {
        const at = T0 + round * 60_000;
        for (let i = 0; i < 60; i++) {
          if (await gate.isFull(SHOP, at + i)) {
            refused++;
            continue;
          }
          const eventId = `r${round}-${String(i).padStart(2, "0")}`;
          await writeCollected(database(), [{ kind: "funnel", rows: [funnelRow({ event_id: eventId, created_at: at + i })] }], at + i);
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
      const kept = await ids({ provenance: "collector" });
      expect(kept).toEqual(stored.slice(-cap).sort());
      // nothing vanished uncounted: what was stored and is gone was dropped by the cap; the rest was refused
      expect(stored.length - kept.length).toBe(await droppedCount(metrics, "backlog"));
      expect(stored.length + refused).toBe(600);
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
      await configure(SHOP);
      await insert(Array.from({ length: 130 }, (_, i) => funnelRow({ event_id: `f${String(i).padStart(3, "0")}`, created_at: T0 + i })));
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
      } finally {
        await schedule.stop();
      }
    });
  });
}
