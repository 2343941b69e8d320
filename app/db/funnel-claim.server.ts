import { sql } from "kysely";
import type { Database } from "./connection.server";
import type { FunnelEventRecord } from "./schema";
import { defaultShopShare, type ClaimOptions } from "./outbox-claim.server";

// The funnel queue's claim (decision 0034): outbox-claim.server.ts's shape — each eligible shop offers its
// oldest waiting rows, ranked round-robin in shares, the first `limit` leased in one statement — over the
// funnel_events table. Rows here are never rescheduled (a retry moves the row to `deliveries`), so arrival
// order is due order and the partial index (shop, id) where done_at is null (migration 0015) serves it.
// The predicate `done_at is null` is written out where the index must serve: both engines use a partial index
// only for a query whose WHERE contains its predicate.

export async function claimFunnelDue(database: Database, options: ClaimOptions): Promise<FunnelEventRecord[]> {
  const { nowMs, limit, owner, leaseMs } = options;
  if (limit <= 0) return [];
  const share = options.perShopLimit ?? defaultShopShare(limit);
  // Each shop offers twice its even part of the claim, not the whole claim: funnel backlogs are spread over many
  // shops, and offers of `limit` rows each made a claim of 1,000 over 16 shops read 16,000 rows to lease 1,000.
  // Twice, so shops with fewer rows than their part still leave the claim full.
  const waitingShops = Math.max(1, await countShopsWaiting(database));
  const perShop = Math.min(options.perShopLimit ?? limit, limit, 2 * Math.ceil(limit / waitingShops));
  const postgres = database.engine === "postgres";

  const oldestWaiting = sql`
    select x.id from funnel_events x
    where x.shop = s.shop
      and x.done_at is null
      and (x.lease_until is null or x.lease_until < ${nowMs})
    order by x.id
    limit ${perShop}`;
  if (postgres) {
    // As in claimDue: one statement, PostgreSQL locks the rows as it reads them (SKIP LOCKED), so parallel
    // workers never lease the same row.
    const result = await sql<FunnelEventRecord>`
      update funnel_events
      set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}
      where id in (
        select r.id from (
          select c.id, row_number() over (partition by s.shop order by c.id) as rn
          from shops s
          cross join lateral (${oldestWaiting} for update of x skip locked) c
          where s.enabled = 1 and s.needs_attention_reason is null
        ) r
        order by (r.rn - 1) / ${share}, r.id
        limit ${limit}
      )
      returning *`.execute(database.db);
    return inIdOrder(result.rows);
  }
  // SQLite: the offers are read first, ranked here, and only the chosen rows are leased. A read takes no lock in
  // WAL mode, so SQLite's one write lock is held for the lease alone: the ranking in one update statement held
  // it ~4 times longer (decision 0034, Measurements), and webhook commits wait on that lock. The update checks
  // again that each row is still waiting and unleased, so a row another connection leased meanwhile is skipped,
  // never leased twice. CROSS JOIN makes shops drive the loop (each shop's rows come by rowid).
  const offers = await sql<{ id: number; shop: string }>`
    select c.id, s.shop from shops s
    cross join funnel_events c on c.id in (${oldestWaiting})
    where s.enabled = 1 and s.needs_attention_reason is null`.execute(database.db);
  const chosen = roundRobin(offers.rows, share, limit);
  if (chosen.length === 0) return [];
  const result = await sql<FunnelEventRecord>`
    update funnel_events
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}
    where id in (select value from json_each(${JSON.stringify(chosen)}))
      and done_at is null and (lease_until is null or lease_until < ${nowMs})
    returning *`.execute(database.db);
  return inIdOrder(result.rows);
}

/** Leased rows, oldest first, ids as numbers (PostgreSQL's bigint arrives as a string). */
function inIdOrder(rows: readonly FunnelEventRecord[]): FunnelEventRecord[] {
  return rows.map((row) => ({ ...row, id: Number(row.id) })).sort((a, b) => a.id - b.id);
}

/**
 * The claim's order, as the outbox's: shops take turns in shares of `share` rows, oldest first within a shop,
 * and within a turn rows go by id; the first `limit` are chosen.
 */
export function roundRobin(offers: ReadonlyArray<{ id: number; shop: string }>, share: number, limit: number): number[] {
  const seen = new Map<string, number>();
  const ranked = [...offers]
    .map((offer) => ({ id: Number(offer.id), shop: offer.shop }))
    .sort((a, b) => a.id - b.id)
    .map((offer) => {
      const rank = seen.get(offer.shop) ?? 0;
      seen.set(offer.shop, rank + 1);
      return { id: offer.id, turn: Math.floor(rank / share) };
    });
  ranked.sort((a, b) => a.turn - b.turn || a.id - b.id);
  return ranked.slice(0, limit).map((offer) => offer.id);
}

/** Eligible shops with a funnel event waiting: one probe of the partial index per shop. */
async function countShopsWaiting(database: Database): Promise<number> {
  const result = await sql<{ n: number | string }>`
    select count(*) as n from shops s
    where s.enabled = 1 and s.needs_attention_reason is null
      and exists (select 1 from funnel_events x where x.shop = s.shop and x.done_at is null)`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}
