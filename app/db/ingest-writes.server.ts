import type { Database } from "./connection.server.ts";
import { toNewRecord, type NewDelivery } from "./outbox-types.ts";
import { withWriteTransaction } from "./write-transaction.server.ts";

// What one accepted webhook stores: its receipt (X-Shopify-Webhook-Id) and the outbox rows it maps to.
// Many webhooks are written in ONE transaction (see app/webhooks/ingest-batcher.server.ts): a commit, not a
// statement, is what a busy webhook endpoint pays for, on SQLite (write lock, WAL append) and more so on
// PostgreSQL (round trips, WAL flush).

export type IngestWrite = { shop: string; topic: string; webhookId: string; rows: readonly NewDelivery[] };

// Receipts have 4 columns, deliveries 16: both far below SQLite's 32,766 bound parameters at this size.
const CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

const receiptKey = (write: { shop: string; topic: string; webhookId: string }) => `${write.shop}\n${write.topic}\n${write.webhookId}`;

/**
 * Stores each write whose webhook id was not seen before — receipt and rows together, atomically, so a crash
 * can never keep a receipt without its rows (Shopify's retry would then be dropped as a duplicate). Returns,
 * per write and in order, true when it was new and false for a re-delivery (an id already stored, or repeated
 * earlier in the same batch). Rows insert with ON CONFLICT DO NOTHING on (shop, destination, event_name,
 * event_id): the same order under a new webhook id adds a receipt and no second row.
 */
export async function writeIngests(database: Database, writes: readonly IngestWrite[], nowMs: number): Promise<boolean[]> {
  if (writes.length === 0) return [];
  const firstOfKey = new Map<string, number>();
  writes.forEach((write, index) => {
    if (!firstOfKey.has(receiptKey(write))) firstOfKey.set(receiptKey(write), index);
  });
  const candidates = [...firstOfKey.values()].map((index) => writes[index] as IngestWrite);

  return withWriteTransaction(database, async (db) => {
    const inserted = new Set<string>();
    for (const part of chunks(candidates, CHUNK)) {
      const stored = await db
        .insertInto("webhook_receipts")
        .values(part.map((write) => ({ shop: write.shop, topic: write.topic, webhook_id: write.webhookId, received_at: nowMs })))
        .onConflict((oc) => oc.columns(["shop", "topic", "webhook_id"]).doNothing())
        .returning(["shop", "topic", "webhook_id"])
        .execute();
      for (const row of stored) inserted.add(receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id }));
    }
    const fresh = writes.map((write, index) => inserted.has(receiptKey(write)) && firstOfKey.get(receiptKey(write)) === index);
    const rows = writes.flatMap((write, index) => (fresh[index] ? write.rows.map((row) => toNewRecord(row, nowMs)) : []));
    for (const part of chunks(rows, CHUNK)) {
      await db
        .insertInto("deliveries")
        .values(part)
        .onConflict((oc) => oc.columns(["shop", "destination", "event_name", "event_id"]).doNothing())
        .execute();
    }
    return fresh;
  });
}
