import { describe, expect, it } from "vitest";
import { writeCollected, type CollectorWrite } from "../../app/db/collector-writes.server";
import { createFunnelOutbox } from "../../app/db/funnel-outbox.server";
import { createMaintenanceJobs, JOB_KIND } from "../../app/db/maintenance-jobs.server";
import type { Database } from "../../app/db/connection.server";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { DAY_MS, HOUR_MS, PRIVACY_WINDOW_MS, purgeExpired } from "../../app/maintenance/purge.server";
import { funnelRows } from "../../app/collector/funnel-rows";
import { databasePerTest, TEST_ENGINES } from "../db/support";

// The funnel queue (decision 0034) under the shop's privacy rules: shop/redact takes its rows and its sent counts;
// the purge deletes done rows after RETENTION_FUNNEL_HOURS, and waiting rows (a paused shop's) once they are past
// the privacy window, when Meta would refuse them and their hashed payload must not stay.

const SHOP = "queue-redact.myshopify.com";
const KEEP = "queue-keep.myshopify.com";

const openDatabase = databasePerTest();

function funnelWrite(shop: string, eventId: string, nowMs: number): CollectorWrite {
  const event = {
    event_name: "AddToCart",
    event_time: Math.floor(nowMs / 1000),
    event_id: eventId,
    action_source: "website",
    event_source_url: `https://${shop}/products/lamp`,
    user_data: { fbp: "fb.1.1700000000000.1", client_user_agent: "Mozilla/5.0" },
  };
  return { kind: "funnel", rows: funnelRows(shop, ["1234567890"], { event: event as never, matchKeys: ["fbp"] }, nowMs) };
}

async function queued(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom("funnel_events").select(["shop", "event_id", "done_at"]).orderBy("id").execute();
  return rows.map((row) => `${row.shop}/${row.event_id}/${row.done_at === null ? "waiting" : "done"}`);
}

async function sendAll(database: Database, nowMs: number): Promise<void> {
  const outbox = createFunnelOutbox(database);
  const claimed = await outbox.claimDue({ nowMs, limit: 100, owner: "t", leaseMs: 60_000 });
  await outbox.markSent(claimed.map((row) => row.id), { nowMs, fbtraceId: null, eventsReceived: claimed.length });
}

async function addShops(database: Database, shops: readonly string[], nowMs: number): Promise<void> {
  for (const shop of shops) {
    await database.db
      .insertInto("shops")
      .values({ shop, enabled: 1, pixel_ids: JSON.stringify(["1234567890"]), created_at: nowMs, updated_at: nowMs } as never)
      .execute();
  }
}

describe.each(TEST_ENGINES)("funnel queue maintenance (%s)", (_engine, open) => {
  it("shop_redact deletes the shop's queued funnel events and sent counts, and keeps other shops'", async () => {
    const database = await openDatabase(open);
    const now = Date.now();
    await addShops(database, [SHOP, KEEP], now);
    await writeCollected(database, [funnelWrite(SHOP, "a", now), funnelWrite(SHOP, "b", now), funnelWrite(KEEP, "c", now)], now);
    await sendAll(database, now);
    await writeCollected(database, [funnelWrite(SHOP, "d", now)], now);
    const before = await database.db.selectFrom("funnel_event_counts").select(["shop", "sent"]).orderBy("shop").execute();
    expect(before.map((row) => `${row.shop}:${Number(row.sent)}`)).toEqual([`${KEEP}:1`, `${SHOP}:2`]);

    await createMaintenanceJobs(database).enqueue(JOB_KIND.shopRedact, SHOP, {}, now);
    const maintenance = createMaintenance({ database, owner: "t", gapMs: 0, logger: { info() {}, warn() {} } });
    expect(await maintenance.runJobs()).toBe(1);

    expect(await queued(database)).toEqual([`${KEEP}/c/done`]);
    const counts = await database.db.selectFrom("funnel_event_counts").select(["shop", "sent"]).execute();
    expect(counts.map((row) => `${row.shop}:${Number(row.sent)}`)).toEqual([`${KEEP}:1`]);
  });

  it("the purge deletes done rows after RETENTION_FUNNEL_HOURS and waiting rows past the privacy window", async () => {
    const database = await openDatabase(open);
    const now = Date.now();
    await addShops(database, [SHOP], now);
    // Sent 30 hours ago and 2 hours ago.
    await writeCollected(database, [funnelWrite(SHOP, "sent-old", now - 30 * HOUR_MS)], now - 30 * HOUR_MS);
    await sendAll(database, now - 30 * HOUR_MS);
    await writeCollected(database, [funnelWrite(SHOP, "sent-new", now - 2 * HOUR_MS)], now - 2 * HOUR_MS);
    await sendAll(database, now - 2 * HOUR_MS);
    // Waiting (the shop is paused): one past the privacy window, one inside it.
    await writeCollected(database, [funnelWrite(SHOP, "waiting-expired", now - PRIVACY_WINDOW_MS - HOUR_MS)], now - PRIVACY_WINDOW_MS - HOUR_MS);
    await writeCollected(database, [funnelWrite(SHOP, "waiting-fresh", now - DAY_MS)], now - DAY_MS);
    expect(await queued(database)).toEqual([
      `${SHOP}/sent-old/done`,
      `${SHOP}/sent-new/done`,
      `${SHOP}/waiting-expired/waiting`,
      `${SHOP}/waiting-fresh/waiting`,
    ]);

    const result = await purgeExpired({ database }, { payloadDays: 8, metadataDays: 90, funnelHours: 24 }, now);

    expect(await queued(database)).toEqual([`${SHOP}/sent-new/done`, `${SHOP}/waiting-fresh/waiting`]);
    expect(result.expired).toBe(1);
    expect(result.rowsDeleted).toBe(2);
  });
});
