import type { Kysely } from "kysely";
import type { Database } from "./connection.server";
import type { Schema } from "./schema";

export type WebhookReceipts = ReturnType<typeof createWebhookReceipts>;

/**
 * Records a webhook id for its shop and topic; true the first time, false for a re-delivery. Takes the
 * connection or a transaction, so a receipt can commit together with the work it stands for.
 */
export async function insertWebhookReceipt(db: Kysely<Schema>, shop: string, topic: string, webhookId: string, nowMs: number): Promise<boolean> {
  const result = await db
    .insertInto("webhook_receipts")
    .values({ shop, topic, webhook_id: webhookId, received_at: nowMs })
    .onConflict((oc) => oc.columns(["shop", "topic", "webhook_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Remembers X-Shopify-Webhook-Id per shop and topic so a re-delivered webhook is processed once. */
export function createWebhookReceipts(database: Database) {
  const { db } = database;

  /** Returns true the first time a webhook id is seen, false for a re-delivery. */
  function record(shop: string, topic: string, webhookId: string, nowMs: number): Promise<boolean> {
    return insertWebhookReceipt(db, shop, topic, webhookId, nowMs);
  }

  /** True when this webhook id was already recorded (check first, record after the work is stored). */
  async function has(shop: string, topic: string, webhookId: string): Promise<boolean> {
    const row = await db
      .selectFrom("webhook_receipts")
      .select("webhook_id")
      .where("shop", "=", shop)
      .where("topic", "=", topic)
      .where("webhook_id", "=", webhookId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Deletes receipts received before `olderThanMs`; returns how many. */
  async function purgeOlderThan(olderThanMs: number): Promise<number> {
    const result = await db.deleteFrom("webhook_receipts").where("received_at", "<", olderThanMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { record, has, purgeOlderThan };
}
