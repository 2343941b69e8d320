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
  // As in claimDue: PostgreSQL locks the rows as it reads them; on SQLite, CROSS JOIN makes shops drive the loop.
  const offers = postgres
    ? sql`cross join lateral (${oldestWaiting} for update of x skip locked) c`
    : sql`cross join funnel_events c on c.id in (${oldestWaiting})`;

  const result = await sql<FunnelEventRecord>`
    update funnel_events
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}
    where id in (
      select r.id from (
        select c.id, row_number() over (partition by s.shop order by c.id) as rn
        from shops s
        ${offers}
        where s.enabled = 1 and s.needs_attention_reason is null
      ) r
      order by (r.rn - 1) / ${share}, r.id
      limit ${limit}
    )
    returning *`.execute(database.db);
  return result.rows.map((row) => ({ ...row, id: Number(row.id) })).sort((a, b) => a.id - b.id);
}

/** Eligible shops with a funnel event waiting: one probe of the partial index per shop. */
async function countShopsWaiting(database: Database): Promise<number> {
  const result = await sql<{ n: number | string }>`
    select count(*) as n from shops s
    where s.enabled = 1 and s.needs_attention_reason is null
      and exists (select 1 from funnel_events x where x.shop = s.shop and x.done_at is null)`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}
