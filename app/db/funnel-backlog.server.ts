import { sql, type RawBuilder } from "kysely";
import type { Database } from "./connection.server";
import { FUNNEL_ROW, FUNNEL_SENT, FUNNEL_UNSENT } from "./funnel-predicates";

// The queries behind funnel volume (decision 0030), each read through one of migration 0013's partial indexes
// and each bounded: a count stops at `limit`, a delete touches at most `limit` rows, so none of them holds
// SQLite's one write lock, or a web process's event loop, longer than a chunk (decision 0020).

/**
 * `deliveries`, on SQLite pinned to the partial index the query is written for: without statistics its planner
 * prefers the older (shop, status, created_at) or (status, next_attempt_at) indexes, which hold every row of
 * every kind, and a count of funnel rows would then read each row. PostgreSQL picks the partial index itself.
 */
function deliveriesBy(database: Database, index: "deliveries_funnel_unsent_idx" | "deliveries_funnel_sent_idx") {
  return database.engine === "sqlite" ? sql.raw(`deliveries indexed by ${index}`) : sql.raw("deliveries");
}

/** Deletes the deliveries whose ids `ids` (a select bounded by its limit) picks, in each engine's form; returns how many. */
async function deleteDeliveriesIn(database: Database, ids: RawBuilder<unknown>): Promise<number> {
  const statement =
    database.engine === "postgres" ? sql`delete from deliveries where id = any(array(${ids}))` : sql`delete from deliveries where id in (${ids})`;
  const result = await statement.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Unsent funnel rows of one shop, counted up to `limit` (deliveries_funnel_unsent_idx, index only). */
export async function countUnsentFunnel(database: Database, shop: string, limit: number): Promise<number> {
  const result = await sql<{ n: number | string }>`
    select count(*) as n from (
      select 1 from ${deliveriesBy(database, "deliveries_funnel_unsent_idx")} where shop = ${shop} and ${FUNNEL_ROW} and ${FUNNEL_UNSENT} limit ${limit}
    ) as unsent`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Deletes up to `limit` of a shop's oldest unsent funnel rows: the ones that give way when the backlog is over
 * its cap. Never a Purchase (FUNNEL_ROW), never a row a worker is sending right now (its lease still runs).
 */
export async function dropOldestUnsentFunnel(database: Database, shop: string, limit: number, nowMs: number): Promise<number> {
  const oldest = sql`
    select id from ${deliveriesBy(database, "deliveries_funnel_unsent_idx")}
    where shop = ${shop} and ${FUNNEL_ROW} and ${FUNNEL_UNSENT} and (lease_until is null or lease_until < ${nowMs})
    order by created_at limit ${limit}`;
  return deleteDeliveriesIn(database, oldest);
}

/** Deletes up to `limit` funnel rows sent before `cutoffMs` (deliveries_funnel_sent_idx). */
export async function deleteSentFunnelChunk(database: Database, cutoffMs: number, limit: number): Promise<number> {
  const sent = sql`select id from ${deliveriesBy(database, "deliveries_funnel_sent_idx")} where ${FUNNEL_ROW} and ${FUNNEL_SENT} and sent_at < ${cutoffMs} limit ${limit}`;
  return deleteDeliveriesIn(database, sent);
}

/** Every shop Tandem knows (a small table): the ones whose backlog is checked. */
export async function listShopDomains(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom("shops").select("shop").orderBy("shop").execute();
  return rows.map((row) => row.shop);
}
