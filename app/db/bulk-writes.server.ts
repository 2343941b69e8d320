import { sql } from "kysely";
import type { Database } from "./connection.server";
import { UNCONFIGURED_DESTINATION } from "../destinations/destination-key";
import { META_WINDOW_WORDS, tooOldReason } from "../destinations/meta/event-window";

// Bulk deletes and updates in bounded chunks (decision 0020). Each call is one short statement that touches at
// most `limit` rows (or one span of ids), so no shop's redaction, no retention pass and no redrive holds the
// SQLite write lock — which every webhook commit needs — for longer than a chunk. Callers loop and yield
// between chunks (app/maintenance/bulk-jobs.server.ts). Every chunk is idempotent: a job that dies half-way is
// simply run again.

/** Rows per chunk on SQLite: small enough that a chunk holds the database's one write lock a few milliseconds. */
export const CHUNK_ROWS = 500;
/** PostgreSQL locks only the rows a chunk deletes, so a chunk can be larger (fewer round trips). */
export const PG_CHUNK_ROWS = 5_000;

export function chunkRowsFor(database: Database): number {
  return database.engine === "postgres" ? PG_CHUNK_ROWS : CHUNK_ROWS;
}
/** Ids per chunk for the passes that walk the whole outbox by primary key. */
export const ID_SPAN = 2_000;

const TERMINAL = sql`('sent', 'dead', 'skipped')`;

export type ShopTable =
  | "deliveries"
  | "order_events"
  | "webhook_receipts"
  | "data_requests"
  | "browser_purchase_ids"
  | "funnel_events"
  | "funnel_event_counts";

/**
 * Deletes up to `limit` rows of `table` matching `where`, by the engine's physical row id (SQLite rowid,
 * PostgreSQL ctid): one index read picks the rows and the delete goes straight to them. (Matching on a
 * composite key instead let PostgreSQL, without fresh statistics, join through the wrong unique index and
 * take 80 s for one chunk of 5,000 claims.)
 */
async function deleteChunkWhere(database: Database, table: string, where: ReturnType<typeof sql>, limit: number): Promise<number> {
  const statement =
    database.engine === "postgres"
      ? sql`delete from ${sql.table(table)} where ctid = any(array(select ctid from ${sql.table(table)} where ${where} limit ${limit}))`
      : sql`delete from ${sql.table(table)} where rowid in (select rowid from ${sql.table(table)} where ${where} limit ${limit})`;
  const result = await statement.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Deletes up to `limit` rows of one shop from one table (read through an index led by shop). */
export async function deleteShopChunk(database: Database, table: ShopTable, shop: string, limit = CHUNK_ROWS): Promise<number> {
  return deleteChunkWhere(database, table, sql`shop = ${shop}`, limit);
}

/** Deletes the rows and order claims of up to CHUNK_ROWS of a shop's orders (customers/redact). */
export async function deleteOrdersChunk(database: Database, shop: string, orderIds: readonly string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const ids = [...orderIds];
  const rows = await database.db.deleteFrom("deliveries").where("shop", "=", shop).where("order_id", "in", ids).executeTakeFirst();
  await database.db.deleteFrom("order_events").where("shop", "=", shop).where("order_id", "in", ids).execute();
  return Number(rows.numDeletedRows);
}

/** The first delivery id at or after `from`, or null past the end (jumps over gaps left by deletes). */
export async function nextDeliveryId(database: Database, from: number): Promise<number | null> {
  const row = await database.db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.min("id").as("id"))
    .where("id", ">=", from)
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}

export type Span = { from: number; to: number };

/**
 * Privacy window (decision 0020): rows created before `cutoffMs` can no longer reach Meta (7-day window plus a
 * margin). Rows that had not finished become dead, "too old", with a reason that says what they were waiting
 * for, and lose their hashed payload (purgeFinishedPayloadSpan takes the finished rows'). Returns how many.
 */
export async function expireSpan(database: Database, span: Span, cutoffMs: number, nowMs: number): Promise<number> {
  const { db } = database;
  const gaveUp = await sql`
    update deliveries
    set status = 'dead',
        status_reason = cast(${tooOldReason(`${META_WINDOW_WORDS} closed while the event was `)} as text) || replace(status, '_', ' '),
        payload = null, lease_owner = null, lease_until = null, updated_at = ${nowMs}
    where id between ${span.from} and ${span.to} and created_at < ${cutoffMs} and status not in ${TERMINAL}`.execute(db);
  return Number(gaveUp.numAffectedRows ?? 0);
}

/** The hashed payload of finished rows created before the cutoff (nothing will send them again). */
export async function purgeFinishedPayloadSpan(database: Database, span: Span, cutoffMs: number): Promise<number> {
  const result = await sql`
    update deliveries set payload = null
    where id between ${span.from} and ${span.to} and created_at < ${cutoffMs} and payload is not null
      and status in ${TERMINAL}`.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Retention of the record itself: finished rows created before `cutoffMs` are deleted. */
export async function deleteFinishedSpan(database: Database, span: Span, cutoffMs: number): Promise<number> {
  const result = await sql`
    delete from deliveries
    where id between ${span.from} and ${span.to} and created_at < ${cutoffMs} and status in ${TERMINAL}`.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Order claims older than the cutoff, a chunk at a time (order_events_created_idx). */
export async function deleteOldClaimsChunk(database: Database, cutoffMs: number, limit = CHUNK_ROWS): Promise<number> {
  return deleteChunkWhere(database, "order_events", sql`created_at < ${cutoffMs}`, limit);
}

/** Browser purchase ids (migration 0011) older than the cutoff, a chunk at a time (browser_purchase_ids_created_idx). */
export async function deleteOldBrowserPurchaseIdsChunk(database: Database, cutoffMs: number, limit = CHUNK_ROWS): Promise<number> {
  return deleteChunkWhere(database, "browser_purchase_ids", sql`created_at < ${cutoffMs}`, limit);
}

/** Webhook receipts older than the cutoff, a chunk at a time (webhook_receipts_received_at_idx). */
export async function deleteOldReceiptsChunk(database: Database, cutoffMs: number, limit = CHUNK_ROWS): Promise<number> {
  return deleteChunkWhere(database, "webhook_receipts", sql`received_at < ${cutoffMs}`, limit);
}

export type RedriveFilter = { shop?: string; status: "dead" | "needs_attention" };

/** Puts one span's dead or needs-attention rows back in the queue (rows that can be sent: payload, a pixel). */
export async function redriveSpan(database: Database, span: Span, filter: RedriveFilter, nowMs: number): Promise<number> {
  let query = database.db
    .updateTable("deliveries")
    .set({ status: "pending", status_reason: null, next_attempt_at: nowMs, updated_at: nowMs, lease_owner: null, lease_until: null })
    .where("id", ">=", span.from)
    .where("id", "<=", span.to)
    .where("status", "=", filter.status)
    .where("payload", "is not", null)
    .where("destination", "!=", UNCONFIGURED_DESTINATION);
  if (filter.shop !== undefined) query = query.where("shop", "=", filter.shop);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A paused shop's needs-attention rows made due, up to `limit` (deliveries_shop_status_created_idx). */
export async function resumeShopChunk(database: Database, shop: string, nowMs: number, limit = CHUNK_ROWS): Promise<number> {
  const result = await sql`
    update deliveries set status = 'pending', status_reason = null, next_attempt_at = ${nowMs}, updated_at = ${nowMs}
    where id in (select id from deliveries where shop = ${shop} and status = 'needs_attention' limit ${limit})`.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Whether every row of the span was created at or after `ms` (ids grow with time: the walk can stop there). */
export async function spanAllNewerThan(database: Database, span: Span, ms: number): Promise<boolean> {
  const row = await database.db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.min("created_at").as("oldest"))
    .where("id", ">=", span.from)
    .where("id", "<=", span.to)
    .executeTakeFirst();
  return row?.oldest !== null && row?.oldest !== undefined && Number(row.oldest) >= ms;
}

/**
 * Walks delivery ids in spans of ID_SPAN from the first row: `work` runs once per span and returns false to
 * stop early. `between` runs after each span (the caller yields there).
 */
export async function forEachSpan(
  database: Database,
  work: (span: Span) => Promise<boolean>,
  between: () => Promise<void>,
  spanSize = ID_SPAN,
): Promise<void> {
  let from = await nextDeliveryId(database, 0);
  while (from !== null) {
    const span = { from, to: from + spanSize - 1 };
    const more = await work(span);
    await between();
    if (!more) return;
    from = await nextDeliveryId(database, span.to + 1);
  }
}
