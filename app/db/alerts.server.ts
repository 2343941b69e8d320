import type { Database } from "./connection.server";
import type { AlertLogTable } from "./schema";

export const ALERT_LOG_STATUS = {
  /** Claimed by a process that is sending the email now. */
  sending: "sending",
  sent: "sent",
  /** A day's order count was checked and found fine: nothing to send, nothing to ask again. */
  checked: "checked",
} as const;
export type AlertLogStatus = (typeof ALERT_LOG_STATUS)[keyof typeof ALERT_LOG_STATUS];

export type AlertLog = ReturnType<typeof createAlertLog>;

/** A shop's day of deliveries as Tandem recorded them: orders with any event, and those accounted for. */
export type DayDeliveries = { received: number; accountedFor: number; delivered: number; skipped: number };

// At most one email per (shop, cause, day): a process claims the row before sending and keeps it once sent,
// so a second check — in this process or another — finds it and sends nothing. A send that fails gives the
// claim back, so the next check tries again.
export function createAlertLog(database: Database) {
  const db = database.db;

  /** True when this caller now owns (shop, cause, day); false when it was already claimed, sent or checked. */
  async function claim(shop: string, cause: string, day: string, nowMs: number): Promise<boolean> {
    const result = await db
      .insertInto("alert_log")
      .values({ shop, cause, day, status: ALERT_LOG_STATUS.sending, at: nowMs })
      .onConflict((oc) => oc.columns(["shop", "cause", "day"]).doNothing())
      .returning("shop")
      .execute();
    return result.length > 0;
  }

  async function finish(shop: string, cause: string, day: string, status: "sent" | "checked", nowMs: number): Promise<void> {
    await db
      .insertInto("alert_log")
      .values({ shop, cause, day, status, at: nowMs })
      .onConflict((oc) => oc.columns(["shop", "cause", "day"]).doUpdateSet({ status, at: nowMs }))
      .execute();
  }

  /** Gives a claim back after a failed send. */
  async function release(shop: string, cause: string, day: string): Promise<void> {
    await db
      .deleteFrom("alert_log")
      .where("shop", "=", shop)
      .where("cause", "=", cause)
      .where("day", "=", day)
      .where("status", "=", ALERT_LOG_STATUS.sending)
      .execute();
  }

  async function has(shop: string, cause: string, day: string): Promise<boolean> {
    const row = await db
      .selectFrom("alert_log")
      .select("status")
      .where("shop", "=", shop)
      .where("cause", "=", cause)
      .where("day", "=", day)
      .executeTakeFirst();
    return row !== undefined;
  }

  async function list(shop: string): Promise<AlertLogTable[]> {
    const rows = await db.selectFrom("alert_log").selectAll().where("shop", "=", shop).orderBy("day").orderBy("cause").execute();
    return rows.map((row) => ({ ...row, at: Number(row.at) }));
  }

  async function deleteBefore(cutoffMs: number): Promise<number> {
    const result = await db.deleteFrom("alert_log").where("at", "<", cutoffMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async function deleteShop(shop: string): Promise<void> {
    await db.deleteFrom("alert_log").where("shop", "=", shop).execute();
  }

  /**
   * Orders of a shop whose events happened in [fromMs, toMs): how many Tandem received, and how many are
   * accounted for — at least one event delivered to Meta, or skipped on purpose (consent, a policy).
   */
  async function countDay(shop: string, fromMs: number, toMs: number): Promise<DayDeliveries> {
    const distinctOrders = async (statuses: readonly string[] | null): Promise<number> => {
      let query = db
        .selectFrom("deliveries")
        .select((eb) => eb.fn.count<number | string | bigint>("order_id").distinct().as("orders"))
        .where("shop", "=", shop)
        .where("event_time", ">=", Math.floor(fromMs / 1000))
        .where("event_time", "<", Math.ceil(toMs / 1000));
      if (statuses !== null) query = query.where("status", "in", statuses);
      const row = await query.executeTakeFirst();
      return Number(row?.orders ?? 0);
    };
    const [received, accountedFor, delivered] = await Promise.all([
      distinctOrders(null),
      distinctOrders(["sent", "skipped"]),
      distinctOrders(["sent"]),
    ]);
    return { received, accountedFor, delivered, skipped: accountedFor - delivered };
  }

  /** The event time (Unix seconds) of the oldest event waiting in needs_attention, or null when none waits. */
  async function oldestWaiting(shop: string, destination?: string): Promise<number | null> {
    let query = db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.min("event_time").as("oldest"))
      .where("shop", "=", shop)
      .where("status", "=", "needs_attention");
    if (destination !== undefined) query = query.where("destination", "=", destination);
    const row = await query.executeTakeFirst();
    return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  }

  return { claim, finish, release, has, list, deleteBefore, deleteShop, countDay, oldestWaiting };
}
