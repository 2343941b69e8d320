import { beforeEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../app/context.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { DAY_MS, purgeExpired } from "../../app/maintenance/purge.server";
import { startRetentionSchedule } from "../../app/maintenance/schedule.server";
import { useTestApp } from "../support/app";

const SHOP = "retention-shop.myshopify.com";
const T0 = Date.UTC(2026, 0, 1);
const POLICY = { payloadDays: 30, metadataDays: 90 };
const WORKER = "retention-worker/1";

function row(eventId: string, status: NewDelivery["status"] = "pending"): NewDelivery {
  return {
    shop: SHOP,
    destination: "meta:111",
    eventName: "Purchase",
    eventId,
    provenance: "note_attribute",
    orderId: eventId,
    orderName: `#${eventId}`,
    eventTime: Math.floor(T0 / 1000),
    payload: { event_name: "Purchase", event_id: eventId, user_data: { em: ["a".repeat(64)] } },
    matchKeys: ["em"],
    status,
    nextAttemptAt: T0,
  };
}

async function idOf(context: AppContext, eventId: string): Promise<number> {
  const { rows } = await context.outbox.list({ shop: SHOP, limit: 100 });
  const found = rows.find((r) => r.eventId === eventId);
  if (!found) throw new Error(`no row ${eventId}`);
  return found.id;
}

/** Leases the row as a worker's claim does: failures are recorded under the lease that holds the row (decision 0036). */
async function leased(context: AppContext, eventId: string): Promise<number> {
  const id = await idOf(context, eventId);
  await context.database.db.updateTable("deliveries").set({ lease_owner: WORKER, lease_until: T0 + 60_000 }).where("id", "=", id).execute();
  return id;
}

async function rowState(context: AppContext, eventId: string) {
  const { rows } = await context.outbox.list({ shop: SHOP, limit: 100 });
  const found = rows.find((r) => r.eventId === eventId);
  return found ? { status: found.status, hasPayload: found.payload !== null } : "deleted";
}

describe("retention", () => {
  const app = useTestApp();
  beforeEach(async () => {
    // GIVEN rows created at T0: one sent, one dead, one still pending, and one sent 40 days later.
    await app.context.outbox.enqueue([row("sent-old"), row("dead-old"), row("pending-old"), row("paused-old")], T0);
    await app.context.outbox.markNeedsAttention([await leased(app.context, "paused-old")], { owner: WORKER, nowMs: T0 + 1000, reason: "Meta error 190" });
    await app.context.outbox.enqueue([row("sent-recent")], T0 + 40 * DAY_MS);
    await app.context.outbox.markSent([await idOf(app.context, "sent-old")], { nowMs: T0 + 1000, fbtraceId: "t1", eventsReceived: 1 });
    await app.context.outbox.markSent([await idOf(app.context, "sent-recent")], { nowMs: T0 + 40 * DAY_MS, fbtraceId: "t2", eventsReceived: 1 });
    await app.context.outbox.markDead([await leased(app.context, "dead-old")], { owner: WORKER, nowMs: T0 + 1000, reason: "invalid" });
    await app.context.receipts.record(SHOP, "orders/paid", "wh-old", T0);
    await app.context.receipts.record(SHOP, "orders/paid", "wh-recent", T0 + 40 * DAY_MS);
  });

  it("keeps everything inside Meta's window plus its margin", async () => {
    const result = await purgeExpired(app.context, POLICY, T0 + 7 * DAY_MS);
    expect(result).toEqual({ payloadsPurged: 0, rowsDeleted: 0, receiptsDeleted: 0, expired: 0 });
    expect(await rowState(app.context, "sent-old")).toEqual({ status: "sent", hasPayload: true });
    expect(await rowState(app.context, "pending-old")).toEqual({ status: "pending", hasPayload: true });
  });

  it("past the window, purges every hashed payload whatever the status; rows that could not finish become dead, too old", async () => {
    const result = await purgeExpired(app.context, POLICY, T0 + 9 * DAY_MS);
    expect(result).toEqual({ payloadsPurged: 4, rowsDeleted: 0, receiptsDeleted: 0, expired: 2 });
    expect(await rowState(app.context, "sent-old")).toEqual({ status: "sent", hasPayload: false });
    expect(await rowState(app.context, "dead-old")).toEqual({ status: "dead", hasPayload: false });
    // An abandoned paused shop's row and a pending one no longer keep hashed data: they could never be sent.
    expect(await rowState(app.context, "pending-old")).toEqual({ status: "dead", hasPayload: false });
    expect(await rowState(app.context, "paused-old")).toEqual({ status: "dead", hasPayload: false });
    const { rows } = await app.context.outbox.list({ shop: SHOP, limit: 100 });
    expect(rows.find((r) => r.eventId === "paused-old")?.statusReason).toBe("too old: Meta's 7-day window closed while the event was needs attention");
    expect(rows.find((r) => r.eventId === "pending-old")).toMatchObject({ orderId: "pending-old", matchKeys: ["em"] });
    expect(await rowState(app.context, "sent-recent")).toEqual({ status: "sent", hasPayload: true });
    // Receipts follow RETENTION_RECEIPT_DAYS (30).
    expect(await app.context.receipts.has(SHOP, "orders/paid", "wh-old")).toBe(true);
  });

  it("deletes receipts after the payload period", async () => {
    const result = await purgeExpired(app.context, POLICY, T0 + 31 * DAY_MS);
    expect(result.receiptsDeleted).toBe(1);
    expect(await app.context.receipts.has(SHOP, "orders/paid", "wh-old")).toBe(false);
    expect(await app.context.receipts.has(SHOP, "orders/paid", "wh-recent")).toBe(true);
  });

  it("deletes finished rows after the metadata period, rows given up included", async () => {
    const result = await purgeExpired(app.context, POLICY, T0 + 91 * DAY_MS);
    expect(result.rowsDeleted).toBe(4);
    expect(await rowState(app.context, "sent-old")).toBe("deleted");
    expect(await rowState(app.context, "dead-old")).toBe("deleted");
    expect(await rowState(app.context, "pending-old")).toBe("deleted");
    expect(await rowState(app.context, "paused-old")).toBe("deleted");
    // Created 40 days after T0, so 51 days old: payload gone, record kept.
    expect(await rowState(app.context, "sent-recent")).toEqual({ status: "sent", hasPayload: false });
  });

  it("never deletes a row before its payload is gone, even with a shorter metadata setting", async () => {
    const short = { payloadDays: 30, metadataDays: 7 };
    expect((await purgeExpired(app.context, short, T0 + 7.5 * DAY_MS)).rowsDeleted).toBe(0);
    expect(await rowState(app.context, "sent-old")).toEqual({ status: "sent", hasPayload: true });
    expect((await purgeExpired(app.context, short, T0 + 10 * DAY_MS)).rowsDeleted).toBe(4);
  });

  it("works through a large outbox in bounded chunks", async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => row(`bulk-${i}`, "pending"));
    await app.context.outbox.enqueue(many, T0);
    let pauses = 0;
    const result = await purgeExpired(app.context, POLICY, T0 + 9 * DAY_MS, async () => {
      pauses += 1;
    });
    expect(result.expired).toBe(5_002);
    // One pause per span of ids (2,000), at least, and more for the claim and receipt chunks.
    expect(pauses).toBeGreaterThanOrEqual(3);
    const left = await app.context.database.db.selectFrom("deliveries").select("id").where("payload", "is not", null).where("created_at", "<", T0 + DAY_MS).execute();
    expect(left).toEqual([]);
  });

  it("the schedule purges at start and again on each tick with the injected clock", async () => {
    let nowMs = T0 + 9 * DAY_MS;
    const schedule = startRetentionSchedule(app.context, { now: () => nowMs, intervalMs: 20 });
    try {
      await expect.poll(() => rowState(app.context, "sent-old")).toEqual({ status: "sent", hasPayload: false });
      expect(await rowState(app.context, "dead-old")).toEqual({ status: "dead", hasPayload: false });
      // WHEN the clock passes the metadata period THEN a later tick deletes the finished rows.
      nowMs = T0 + 91 * DAY_MS;
      await expect.poll(() => rowState(app.context, "sent-old"), { timeout: 2000 }).toBe("deleted");
    } finally {
      await schedule.stop();
    }
  });

  it("runNow reports what it purged using the environment's periods", async () => {
    const schedule = startRetentionSchedule(app.context, { now: () => T0 + 91 * DAY_MS, intervalMs: 60_000 });
    try {
      await schedule.stop();
      // Either the start-up run or this one did the work; together they purged exactly these rows.
      const again = await schedule.runNow();
      expect(again).toEqual({ payloadsPurged: 0, rowsDeleted: 0, receiptsDeleted: 0, expired: 0 });
      expect(await rowState(app.context, "sent-old")).toBe("deleted");
      expect(await rowState(app.context, "sent-recent")).toEqual({ status: "sent", hasPayload: false });
      expect(app.context.env.RETENTION_RECEIPT_DAYS).toBe(30);
    } finally {
      await schedule.stop();
    }
  });
});
