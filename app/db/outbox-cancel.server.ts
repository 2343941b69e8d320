import type { Kysely } from "kysely";
import type { Schema } from "./schema";

// An order cancelled before its Purchase went out is not sent (decision 0024): a cash-on-delivery shop that
// sends on orders/create, an order held until the shop is configured, a pixel paused, a retry waiting. Its
// rows become skipped with a plain reason and lose their hashed payload. Rows already sent stay as they are
// (Meta has no way to take a Purchase back), and so do rows a worker holds right now: the send in flight
// decides them. Runs inside the caller's write transaction, next to the cancellation's receipt.

export const CANCELLED_BEFORE_SENDING = "cancelled before sending";

/** The event names an order's claim can hold (decision 0015): the order's one purchase event. */
export const ORDER_EVENT_NAMES = ["Purchase", "RecurringPurchase"] as const;

/** Statuses of rows that have not reached Meta and may still be sent. */
const UNSENT = ["pending", "retrying", "held", "needs_attention"] as const;

/** What had become of an order's Purchase when a cancellation or refund arrived. */
export const PURCHASE_STATE = {
  /** At least one pixel's row was sent: it stands. */
  sent: "sent",
  /** This cancellation stopped rows that had not been sent. */
  stopped: "stopped",
  /** The order has an event, not sent (waiting, in flight, skipped or failed). */
  unsent: "unsent",
  /** No event is known for the order (never received, a shop that sends on another topic, or deleted). */
  none: "none",
} as const;
export type PurchaseState = (typeof PURCHASE_STATE)[keyof typeof PURCHASE_STATE];

/** Ids of the rows of the order's own event (its claim in order_events), read through (shop, order_id). */
function orderEventRowIds(db: Kysely<Schema>, shop: string, orderId: string) {
  return db
    .selectFrom("deliveries as d")
    .innerJoin("order_events as oe", (join) =>
      join.onRef("oe.shop", "=", "d.shop").onRef("oe.order_id", "=", "d.order_id").onRef("oe.event_name", "=", "d.event_name").onRef("oe.event_id", "=", "d.event_id"),
    )
    .where("d.shop", "=", shop)
    .where("d.order_id", "=", orderId)
    .where("oe.event_name", "in", [...ORDER_EVENT_NAMES]);
}

/** Marks the order's unsent, unleased rows skipped ("cancelled before sending"); returns how many. */
export async function skipUnsentOrderEvent(db: Kysely<Schema>, shop: string, orderId: string, nowMs: number): Promise<number> {
  const result = await db
    .updateTable("deliveries")
    .set({ status: "skipped", status_reason: CANCELLED_BEFORE_SENDING, payload: null, updated_at: nowMs, lease_owner: null, lease_until: null })
    .where("id", "in", orderEventRowIds(db, shop, orderId).select("d.id"))
    // On the updated row itself, not only in the subquery: on PostgreSQL a row a worker leased meanwhile is
    // re-checked after its lock is released, and then left alone.
    .where("status", "in", [...UNSENT])
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", nowMs)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The order's Purchase as it stands; `stopped` is what skipUnsentOrderEvent just did. */
export async function purchaseStateOf(db: Kysely<Schema>, shop: string, orderId: string, stopped: number): Promise<PurchaseState> {
  const rows = await orderEventRowIds(db, shop, orderId).select("d.status").execute();
  if (rows.some((row) => row.status === "sent")) return PURCHASE_STATE.sent;
  if (stopped > 0) return PURCHASE_STATE.stopped;
  return rows.length > 0 ? PURCHASE_STATE.unsent : PURCHASE_STATE.none;
}
