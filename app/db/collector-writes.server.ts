import { CompiledQuery, type Kysely } from "kysely";
import type { Database, Engine } from "./connection.server";
import type { NewFunnelEventRecord, Schema } from "./schema";
import { withWriteTransaction } from "./write-transaction.server";
import { chunk } from "../lib/chunk";

// What the collector stores (issue 16), many requests per transaction (app/webhooks/ingest-batcher.server.ts):
// under a flood of shopper events a commit, not a statement, is the cost. Both writes only ever ADD: a replayed
// event stores nothing (funnel_events' unique key, decision 0034), and a checkout's browser purchase id is kept as first reported.

/** A funnel event: one queued row per configured pixel. */
export type FunnelWrite = { kind: "funnel"; rows: readonly NewFunnelEventRecord[] };
/** A browser Purchase: which event id the browser used for this checkout (the first report wins). */
export type PurchaseIdWrite = { kind: "purchase_id"; shop: string; checkoutToken: string; eventId: string };
export type CollectorWrite = FunnelWrite | PurchaseIdWrite;

const FUNNEL_COLUMNS = ["shop", "destination", "event_name", "event_id", "event_time", "payload", "match_keys", "created_at"] as const;

// 8 columns per row: 500 rows stay far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const CHUNK = 500;

function placeholders(engine: Engine, rows: number, columns: number): string {
  let next = 0;
  const tuple = () => `(${Array.from({ length: columns }, () => (engine === "postgres" ? `$${++next}` : "?")).join(", ")})`;
  return Array.from({ length: rows }, tuple).join(", ");
}

const rowKey = (row: { shop: string; destination: string; event_name: string; event_id: string }) =>
  `${row.shop}\n${row.destination}\n${row.event_name}\n${row.event_id}`;
const ledgerKey = (shop: string, token: string) => `${shop}\n${token}`;

/**
 * Stores the writes in one transaction. Returns, per write and in order, whether it stored anything new: a
 * funnel write whose rows were all there already (a replay), or a purchase id for a checkout that already has
 * one, answers false. Plain SQL both engines accept, as in ingest-writes.server.ts.
 */
export async function writeCollected(database: Database, writes: readonly CollectorWrite[], nowMs: number): Promise<boolean[]> {
  if (writes.length === 0) return [];
  return withWriteTransaction(database, async (db) => {
    const insertedRows = new Set<string>();
    const rows = writes.flatMap((write) => (write.kind === "funnel" ? write.rows : []));
    for (const part of chunk(rows, CHUNK)) {
      for (const key of await insertRows(db, database.engine, part)) insertedRows.add(key);
    }
    const insertedIds = new Set<string>();
    const ids = writes.filter((write): write is PurchaseIdWrite => write.kind === "purchase_id");
    for (const part of chunk(ids, CHUNK)) {
      for (const key of await insertPurchaseIds(db, database.engine, part, nowMs)) insertedIds.add(key);
    }
    // A key counts for the first write that carries it: the same event twice in one batch is one new event.
    return writes.map((write) => {
      if (write.kind === "purchase_id") return insertedIds.delete(ledgerKey(write.shop, write.checkoutToken));
      let fresh = false;
      for (const row of write.rows) if (insertedRows.delete(rowKey(row))) fresh = true;
      return fresh;
    });
  });
}

async function insertRows(db: Kysely<Schema>, engine: Engine, rows: readonly NewFunnelEventRecord[]): Promise<string[]> {
  const sql =
    `insert into funnel_events (${FUNNEL_COLUMNS.join(", ")}) values ${placeholders(engine, rows.length, FUNNEL_COLUMNS.length)} ` +
    "on conflict (shop, destination, event_name, event_id) do nothing returning shop, destination, event_name, event_id";
  const params = rows.flatMap((row) => FUNNEL_COLUMNS.map((column) => row[column] ?? null));
  const result = await db.executeQuery<{ shop: string; destination: string; event_name: string; event_id: string }>(CompiledQuery.raw(sql, params));
  return result.rows.map(rowKey);
}

async function insertPurchaseIds(db: Kysely<Schema>, engine: Engine, writes: readonly PurchaseIdWrite[], nowMs: number): Promise<string[]> {
  const sql =
    `insert into browser_purchase_ids (shop, checkout_token, event_id, created_at) values ${placeholders(engine, writes.length, 4)} ` +
    // Never an update: the first id a checkout reported stays, whatever a later (or forged) report says.
    "on conflict (shop, checkout_token) do nothing returning shop, checkout_token";
  const params = writes.flatMap((write) => [write.shop, write.checkoutToken, write.eventId, nowMs]);
  const result = await db.executeQuery<{ shop: string; checkout_token: string }>(CompiledQuery.raw(sql, params));
  return result.rows.map((row) => ledgerKey(row.shop, row.checkout_token));
}
