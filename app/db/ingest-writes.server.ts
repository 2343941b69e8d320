import { CompiledQuery, type Kysely } from "kysely";
import type { Database, Engine } from "./connection.server.ts";
import { toNewRecord, type NewDelivery } from "./outbox-types.ts";
import type { NewDeliveryRecord, Schema } from "./schema.ts";
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
      const stored = await db.executeQuery<{ shop: string; topic: string; webhook_id: string }>(
        insertReceipts(database.engine, part, nowMs),
      );
      for (const row of stored.rows) inserted.add(receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id }));
    }
    const fresh = writes.map((write, index) => inserted.has(receiptKey(write)) && firstOfKey.get(receiptKey(write)) === index);
    const rows = writes.flatMap((write, index) => (fresh[index] ? write.rows.map((row) => toNewRecord(row, nowMs)) : []));
    for (const part of chunks(rows, CHUNK)) await insertDeliveries(db, database.engine, part);
    return fresh;
  });
}

// The two statements are written out rather than built with Kysely's query builder: they run for every
// webhook, and building + compiling a multi-row insert cost about as much as SQLite executing it. Plain
// SQL both engines accept (ON CONFLICT ... DO NOTHING, RETURNING); only the placeholders differ.

function placeholders(engine: Engine, rows: number, columns: number): string {
  let next = 0;
  const tuple = () => `(${Array.from({ length: columns }, () => (engine === "postgres" ? `$${++next}` : "?")).join(", ")})`;
  return Array.from({ length: rows }, tuple).join(", ");
}

function insertReceipts(engine: Engine, writes: readonly IngestWrite[], nowMs: number): CompiledQuery<{ shop: string; topic: string; webhook_id: string }> {
  const sql =
    `insert into webhook_receipts (shop, topic, webhook_id, received_at) values ${placeholders(engine, writes.length, 4)} ` +
    "on conflict (shop, topic, webhook_id) do nothing returning shop, topic, webhook_id";
  return CompiledQuery.raw(sql, writes.flatMap((write) => [write.shop, write.topic, write.webhookId, nowMs]));
}

export const DELIVERY_COLUMNS = [
  "shop",
  "destination",
  "event_name",
  "event_id",
  "provenance",
  "order_id",
  "order_name",
  "event_time",
  "payload",
  "match_keys",
  "status",
  "status_reason",
  "attempts",
  "next_attempt_at",
  "created_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof NewDeliveryRecord>;

async function insertDeliveries(db: Kysely<Schema>, engine: Engine, rows: readonly NewDeliveryRecord[]): Promise<void> {
  const sql =
    `insert into deliveries (${DELIVERY_COLUMNS.join(", ")}) values ${placeholders(engine, rows.length, DELIVERY_COLUMNS.length)} ` +
    "on conflict (shop, destination, event_name, event_id) do nothing";
  await db.executeQuery(CompiledQuery.raw(sql, rows.flatMap((row) => DELIVERY_COLUMNS.map((column) => row[column] ?? null))));
}
