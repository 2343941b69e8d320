import { sql, type RawBuilder } from "kysely";
import type { Database } from "./connection.server";
import { FUNNEL_ROW, FUNNEL_SENT, FUNNEL_UNSENT } from "./funnel-predicates";

// The queries behind funnel volume (decision 0030), each bounded. Funnel events wait in funnel_events (decision
// 0034, read through its partial index on waiting rows); those whose first try failed, and those stored before
// that table existed, are funnel rows of `deliveries` (read through migration 0013's partial indexes). Each
// question is asked of both, and each query is bounded: a count stops at `limit`, a delete touches at most `limit` rows, so none of them holds
// SQLite's one write lock, or a web process's event loop, longer than a chunk (decision 0020).

/**
 * `deliveries`, on SQLite pinned to the partial index the query is written for: without statistics its planner
 * prefers the older (shop, status, created_at) or (status, next_attempt_at) indexes, which hold every row of
 * every kind, and a count of funnel rows would then read each row. PostgreSQL picks the partial index itself.
 */
function deliveriesBy(database: Database, index: "deliveries_funnel_unsent_idx" | "deliveries_funnel_sent_idx") {
  return database.engine === "sqlite" ? sql.raw(`deliveries indexed by ${index}`) : sql.raw("deliveries");
}

/** Deletes the rows of `table` whose ids `ids` (a select bounded by its limit) picks, in each engine's form; returns how many. */
async function deleteIdsIn(database: Database, table: "deliveries" | "funnel_events", ids: RawBuilder<unknown>): Promise<number> {
  const statement =
    database.engine === "postgres"
      ? sql`delete from ${sql.table(table)} where id = any(array(${ids}))`
      : sql`delete from ${sql.table(table)} where id in (${ids})`;
  const result = await statement.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Unsent funnel events of one shop, waiting in either table, counted up to `limit`. */
export async function countUnsentFunnel(database: Database, shop: string, limit: number): Promise<number> {
  const waiting = await countWaitingFunnelEvents(database, shop, limit);
  if (waiting >= limit) return waiting;
  const result = await sql<{ n: number | string }>`
    select count(*) as n from (
      select 1 from ${deliveriesBy(database, "deliveries_funnel_unsent_idx")} where shop = ${shop} and ${FUNNEL_ROW} and ${FUNNEL_UNSENT} limit ${limit - waiting}
    ) as unsent`.execute(database.db);
  return waiting + Number(result.rows[0]?.n ?? 0);
}

/** Every shop's funnel events still waiting for their first try, counted up to `limit`. */
export function countWaitingFunnelEventsAll(database: Database, limit: number): Promise<number> {
  return countWaiting(database, null, limit);
}

/** A shop's rows of funnel_events not yet done, counted up to `limit` (funnel_events_waiting_idx, index only). */
export function countWaitingFunnelEvents(database: Database, shop: string, limit: number): Promise<number> {
  return countWaiting(database, shop, limit);
}

async function countWaiting(database: Database, shop: string | null, limit: number): Promise<number> {
  const ofShop = shop === null ? sql`` : sql`shop = ${shop} and`;
  const result = await sql<{ n: number | string }>`
    select count(*) as n from (select 1 from funnel_events where ${ofShop} done_at is null limit ${limit}) as waiting`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Deletes up to `limit` of a shop's oldest unsent funnel rows: the ones that give way when the backlog is over
 * its cap. Never a Purchase (FUNNEL_ROW), never a row a worker is sending right now (its lease still runs).
 */
export async function dropOldestUnsentFunnel(database: Database, shop: string, limit: number, nowMs: number): Promise<number> {
  // The failed ones first: they are the oldest (a row moves to `deliveries` only after its first try).
  const failed = await dropOldestUnsentFunnelDeliveries(database, shop, limit, nowMs);
  if (failed >= limit) return failed;
  const oldestWaiting = sql`
    select id from funnel_events
    where shop = ${shop} and done_at is null and (lease_until is null or lease_until < ${nowMs})
    order by id limit ${limit - failed}`;
  return failed + (await deleteIdsIn(database, "funnel_events", oldestWaiting));
}

async function dropOldestUnsentFunnelDeliveries(database: Database, shop: string, limit: number, nowMs: number): Promise<number> {
  const oldest = sql`
    select id from ${deliveriesBy(database, "deliveries_funnel_unsent_idx")}
    where shop = ${shop} and ${FUNNEL_ROW} and ${FUNNEL_UNSENT} and (lease_until is null or lease_until < ${nowMs})
    order by created_at limit ${limit}`;
  return deleteIdsIn(database, "deliveries", oldest);
}

/** Deletes up to `limit` funnel rows of `deliveries` sent before `cutoffMs` (deliveries_funnel_sent_idx). */
export async function deleteSentFunnelChunk(database: Database, cutoffMs: number, limit: number): Promise<number> {
  const sent = sql`select id from ${deliveriesBy(database, "deliveries_funnel_sent_idx")} where ${FUNNEL_ROW} and ${FUNNEL_SENT} and sent_at < ${cutoffMs} limit ${limit}`;
  return deleteIdsIn(database, "deliveries", sent);
}

/**
 * One step of the funnel_events purge: of the `limit` rows after `afterId` in id order, deletes those done
 * before `cutoffMs`. The table has no index on done_at: rows arrive in id order and are done within moments,
 * so walking by id reads each row once and stops at the first row that arrived after the cutoff. A row still
 * waiting (a paused shop's) is stepped over, not waited for. `next` is where to go on, or null when done.
 */
export async function deleteDoneFunnelEventsChunk(
  database: Database,
  cutoffMs: number,
  limit: number,
  afterId: number,
): Promise<{ deleted: number; next: number | null }> {
  const rows = await database.db
    .selectFrom("funnel_events")
    .select(["id", "done_at", "created_at"])
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  const last = rows.at(-1);
  if (last === undefined) return { deleted: 0, next: null };
  const ids = rows.filter((row) => row.done_at !== null && Number(row.done_at) < cutoffMs).map((row) => Number(row.id));
  let deleted = 0;
  if (ids.length > 0) {
    const result = await database.db.deleteFrom("funnel_events").where("id", "in", ids).executeTakeFirst();
    deleted = Number(result.numDeletedRows);
  }
  return { deleted, next: Number(last.created_at) >= cutoffMs ? null : Number(last.id) };
}

/**
 * Deletes up to `limit` funnel_events rows still waiting that arrived before `cutoffMs` (the privacy window:
 * Meta would refuse them, and their hashed payload must not stay). Only a paused shop's rows get this old; they
 * are read through the partial index on waiting rows.
 */
export async function deleteExpiredWaitingFunnelEventsChunk(database: Database, cutoffMs: number, limit: number): Promise<number> {
  const expired = sql`select id from funnel_events where done_at is null and created_at < ${cutoffMs} limit ${limit}`;
  return deleteIdsIn(database, "funnel_events", expired);
}

/** Every shop Tandem knows (a small table): the ones whose backlog is checked. */
export async function listShopDomains(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom("shops").select("shop").orderBy("shop").execute();
  return rows.map((row) => row.shop);
}
