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

  if (database.engine === "postgres") return writeIngestsInOneStatement(database, writes, candidates, firstOfKey, nowMs);
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

// PostgreSQL: ONE statement, so one round trip instead of four (BEGIN, two inserts, COMMIT) — on the scale
// web process the socket writes of those round trips were a quarter of a webhook's CPU. Data-modifying CTEs
// run exactly once and together, atomically: the receipts that are new come back from `inserted`, and only
// rows whose webhook is among them are inserted. Parameters are cast, since VALUES lists carry no types.
const PG_TYPES: Record<(typeof DELIVERY_COLUMNS)[number], string> = {
  shop: "text",
  destination: "text",
  event_name: "text",
  event_id: "text",
  provenance: "text",
  order_id: "text",
  order_name: "text",
  event_time: "bigint",
  payload: "text",
  match_keys: "text",
  status: "text",
  status_reason: "text",
  attempts: "integer",
  next_attempt_at: "bigint",
  created_at: "bigint",
  updated_at: "bigint",
};

async function writeIngestsInOneStatement(
  database: Database,
  writes: readonly IngestWrite[],
  candidates: readonly IngestWrite[],
  firstOfKey: ReadonlyMap<string, number>,
  nowMs: number,
): Promise<boolean[]> {
  if (candidates.length > CHUNK) {
    // Far beyond what arrives together in practice; keep each statement's parameter count bounded.
    const results: boolean[] = [];
    for (const part of chunks(writes, CHUNK)) results.push(...(await writeIngests(database, part, nowMs)));
    return results;
  }
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const receiptTuples = candidates.map((w) => `(${param(w.shop, "text")}, ${param(w.topic, "text")}, ${param(w.webhookId, "text")})`);
  const receivedAt = param(nowMs, "bigint");
  // Rows of first occurrences only; a repeat of a webhook id in this batch stores nothing.
  const rowTuples = candidates.flatMap((w) =>
    w.rows.map((row) => {
      const record = toNewRecord(row, nowMs);
      const key = [param(w.shop, "text"), param(w.topic, "text"), param(w.webhookId, "text")];
      const values = DELIVERY_COLUMNS.map((column) => param(record[column] ?? null, PG_TYPES[column]));
      return `(${[...key, ...values].join(", ")})`;
    }),
  );
  const columns = DELIVERY_COLUMNS.join(", ");
  const rowsCte =
    rowTuples.length === 0
      ? ""
      : `, incoming_rows (k_shop, k_topic, k_webhook_id, ${columns}) as (values ${rowTuples.join(", ")}),
        stored as (
          insert into deliveries (${columns})
          select ${DELIVERY_COLUMNS.map((c) => `r.${c}`).join(", ")} from incoming_rows r
          join inserted i on i.shop = r.k_shop and i.topic = r.k_topic and i.webhook_id = r.k_webhook_id
          on conflict (shop, destination, event_name, event_id) do nothing
        )`;
  const sql = `with incoming (shop, topic, webhook_id) as (values ${receiptTuples.join(", ")}),
    inserted as (
      insert into webhook_receipts (shop, topic, webhook_id, received_at)
      select shop, topic, webhook_id, ${receivedAt} from incoming
      on conflict (shop, topic, webhook_id) do nothing
      returning shop, topic, webhook_id
    )${rowsCte}
    select shop, topic, webhook_id from inserted`;
  const result = await database.db.executeQuery<{ shop: string; topic: string; webhook_id: string }>(CompiledQuery.raw(sql, params));
  const inserted = new Set(result.rows.map((row) => receiptKey({ shop: row.shop, topic: row.topic, webhookId: row.webhook_id })));
  return writes.map((write, index) => inserted.has(receiptKey(write)) && firstOfKey.get(receiptKey(write)) === index);
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
