import { sql, type SelectQueryBuilder } from "kysely";
import type { Database } from "./connection.server";
import { purchaseStateOf, skipUnsentOrderEvent, PURCHASE_STATE, type PurchaseState } from "./outbox-cancel.server";
import { withWriteTransaction } from "./write-transaction.server";
import type { Schema } from "./schema";
import { insertWebhookReceipt } from "./webhook-receipts.server";
import type { AdjustmentKind, OrderAdjustmentInput } from "../webhooks/order-adjustments";

// Cancellations and refunds of orders, recorded (decision 0024). One write transaction per webhook: its
// receipt (a re-delivered webhook id stores nothing), for a cancellation the stop of a Purchase not yet sent,
// and the adjustment row. Deleted with the shop (shop/redact), with a customer's orders (customers/redact)
// and by retention with the delivery metadata — in chunks, like the tables they sit next to.

/** A recorded adjustment: what the webhook said, the Purchase's state when it was recorded, and when. */
export type OrderAdjustment = OrderAdjustmentInput & { purchase: PurchaseState; createdAt: number };

export type AdjustmentWrite = { shop: string; topic: string; webhookId: string; adjustment: OrderAdjustmentInput };

/**
 * `fresh: false`: the webhook id was seen before, nothing stored. Otherwise `stored` says whether the row is
 * new (false: the same cancellation or refund already came under another webhook id), `stopped` how many
 * unsent rows of the order's Purchase the cancellation turned to skipped, `purchase` the Purchase's state.
 */
export type RecordOutcome = { fresh: false } | { fresh: true; stored: boolean; stopped: number; purchase: PurchaseState };

export type AdjustmentCounts = { cancelled: number; refunded: number };

export type OrderAdjustments = ReturnType<typeof createOrderAdjustments>;

const PURCHASE_STATES: readonly string[] = Object.values(PURCHASE_STATE);

function toPurchaseState(value: string): PurchaseState {
  return (PURCHASE_STATES.includes(value) ? value : PURCHASE_STATE.none) as PurchaseState;
}

export function createOrderAdjustments(database: Database) {
  const { db } = database;

  async function record(write: AdjustmentWrite, nowMs: number): Promise<RecordOutcome> {
    const { shop, topic, webhookId, adjustment } = write;
    return withWriteTransaction(database, async (tx) => {
      if (!(await insertWebhookReceipt(tx, shop, topic, webhookId, nowMs))) return { fresh: false } as const;
      const stopped = adjustment.kind === "cancelled" ? await skipUnsentOrderEvent(tx, shop, adjustment.orderId, nowMs) : 0;
      const purchase = await purchaseStateOf(tx, shop, adjustment.orderId, stopped);
      const inserted = await tx
        .insertInto("order_adjustments")
        .values({
          shop,
          order_id: adjustment.orderId,
          order_name: adjustment.orderName,
          kind: adjustment.kind,
          source_id: adjustment.sourceId,
          amount: adjustment.amount,
          currency: adjustment.currency,
          reason: adjustment.reason,
          occurred_at: adjustment.occurredAt,
          purchase,
          webhook_id: webhookId,
          created_at: nowMs,
        })
        .onConflict((oc) => oc.columns(["shop", "order_id", "kind", "source_id"]).doNothing())
        .executeTakeFirst();
      return { fresh: true, stored: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0, stopped, purchase } as const;
    });
  }

  /** A payload that names no order: only its receipt, so Shopify's re-deliveries of it are known. */
  function recordReceipt(shop: string, topic: string, webhookId: string, nowMs: number): Promise<boolean> {
    return insertWebhookReceipt(db, shop, topic, webhookId, nowMs);
  }

  /** The adjustments of the given orders, oldest first, by order id (Activity reads one page's orders). */
  async function listForOrders(shop: string, orderIds: readonly string[]): Promise<Map<string, OrderAdjustment[]>> {
    const byOrder = new Map<string, OrderAdjustment[]>();
    const ids = [...new Set(orderIds)];
    if (ids.length === 0) return byOrder;
    const rows = await db
      .selectFrom("order_adjustments")
      .selectAll()
      .where("shop", "=", shop)
      .where("order_id", "in", ids)
      .orderBy("occurred_at")
      .orderBy("id")
      .execute();
    for (const row of rows) {
      const list = byOrder.get(row.order_id) ?? [];
      list.push({
        kind: row.kind as AdjustmentKind,
        orderId: row.order_id,
        orderName: row.order_name,
        sourceId: row.source_id,
        amount: row.amount,
        currency: row.currency,
        reason: row.reason,
        occurredAt: Number(row.occurred_at),
        purchase: toPurchaseState(row.purchase),
        createdAt: Number(row.created_at),
      });
      byOrder.set(row.order_id, list);
    }
    return byOrder;
  }

  /** Orders cancelled, and orders refunded (once however many refunds), that happened in [startMs, endMs). */
  async function countInPeriod(shop: string, startMs: number, endMs: number): Promise<AdjustmentCounts> {
    const row = await db
      .selectFrom("order_adjustments")
      .select([
        sql<number>`count(distinct case when kind = 'cancelled' then order_id end)`.as("cancelled"),
        sql<number>`count(distinct case when kind = 'refunded' then order_id end)`.as("refunded"),
      ])
      .where("shop", "=", shop)
      .where("occurred_at", ">=", startMs)
      .where("occurred_at", "<", endMs)
      .executeTakeFirst();
    return { cancelled: Number(row?.cancelled ?? 0), refunded: Number(row?.refunded ?? 0) };
  }

  /** Deletes the rows whose ids the subquery picks (a chunk: the caller's query has its limit); returns how many. */
  async function deleteIds(ids: SelectQueryBuilder<Schema, "order_adjustments", { id: number }>): Promise<number> {
    const result = await db.deleteFrom("order_adjustments").where("id", "in", ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Up to `limit` of the shop's rows (shop/redact); returns how many. */
  function deleteShopChunk(shop: string, limit: number): Promise<number> {
    return deleteIds(db.selectFrom("order_adjustments").select("id").where("shop", "=", shop).limit(limit));
  }

  /** The rows of the named orders (customers/redact; callers pass at most a chunk of ids). */
  async function deleteOrders(shop: string, orderIds: readonly string[]): Promise<number> {
    if (orderIds.length === 0) return 0;
    const result = await db.deleteFrom("order_adjustments").where("shop", "=", shop).where("order_id", "in", [...orderIds]).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Up to `limit` rows recorded before the cutoff (retention, through order_adjustments_created_idx). */
  function deleteOlderThanChunk(cutoffMs: number, limit: number): Promise<number> {
    return deleteIds(db.selectFrom("order_adjustments").select("id").where("created_at", "<", cutoffMs).limit(limit));
  }

  return { record, recordReceipt, listForOrders, countInPeriod, deleteShopChunk, deleteOrders, deleteOlderThanChunk };
}
