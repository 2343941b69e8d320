import { sql } from "kysely";
import type { Database } from "./connection.server.ts";
import { toDeliveryRow, type DeliveryRow } from "./outbox-types.ts";
import type { DeliveryRecord } from "./schema.ts";

export type ClaimOptions = {
  nowMs: number;
  /** Most rows to lease in this claim. */
  limit: number;
  /** Lease owner recorded on the rows (worker id). */
  owner: string;
  /** How long the lease lasts; an unfinished row becomes claimable again after it. */
  leaseMs: number;
  /**
   * Hard cap on rows per shop in one claim. Without it, rows are taken round-robin in shares of
   * ceil(limit / 4) per shop: every shop with due rows gets its share before any shop gets more, yet a lone
   * backlog still fills the whole claim.
   */
  perShopLimit?: number;
};

export function defaultShopShare(limit: number): number {
  return Math.max(1, Math.ceil(limit / 4));
}

/**
 * Leases due rows, fairly across shops, at a cost bounded by the rows it takes, not by the backlog.
 * Each eligible shop (exists, enabled, not flagged needs-attention) offers its oldest `min(cap, limit)` due rows,
 * read from the partial index deliveries_shop_due_idx (migration 0003), which stops after those rows. The
 * offers are ranked round-robin in shares of `share` per shop, then by due time, and the first `limit` leased.
 * Due = status pending|retrying, next_attempt_at <= now, no live lease (an expired lease is reclaimable).
 * - PostgreSQL: one statement; each shop's rows come from a LATERAL subquery with FOR UPDATE SKIP LOCKED, so
 *   parallel workers never lease the same row; a worker that loses a race gets fewer rows, never duplicates.
 * - SQLite: one statement too. A write statement takes the database write lock before it reads (like BEGIN
 *   IMMEDIATE) and cannot interleave with another connection's, so select-then-update is atomic.
 * An earlier single statement ranked every due row with a window function on each claim: after a long Meta
 * outage each claim re-read the whole backlog, on the thread that answers webhooks (decision 0003 has figures).
 */
export async function claimDue(database: Database, options: ClaimOptions): Promise<DeliveryRow[]> {
  const { limit } = options;
  if (limit <= 0) return [];
  const plan: ClaimPlan = {
    ...options,
    share: options.perShopLimit ?? defaultShopShare(limit),
    perShop: Math.min(options.perShopLimit ?? limit, limit),
  };
  const records = database.engine === "postgres" ? await claimPostgres(database, plan) : await claimSqlite(database, plan);
  return records.map(toDeliveryRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
}

type ClaimPlan = ClaimOptions & { share: number; perShop: number };

const dueFor = (alias: string, nowMs: number) => sql`
  ${sql.ref(`${alias}.status`)} in ('pending', 'retrying')
  and ${sql.ref(`${alias}.next_attempt_at`)} <= ${nowMs}
  and (${sql.ref(`${alias}.lease_until`)} is null or ${sql.ref(`${alias}.lease_until`)} < ${nowMs})`;

async function claimPostgres(database: Database, plan: ClaimPlan): Promise<DeliveryRecord[]> {
  const { nowMs, limit, owner, leaseMs, share, perShop } = plan;
  const result = await sql<DeliveryRecord>`
    update deliveries
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}, updated_at = ${nowMs}
    where id in (
      select r.id from (
        select c.id, c.next_attempt_at,
               row_number() over (partition by s.shop order by c.next_attempt_at, c.id) as rn
        from shops s
        cross join lateral (
          select x.id, x.next_attempt_at from deliveries x
          where x.shop = s.shop and ${dueFor("x", nowMs)}
          order by x.next_attempt_at, x.id
          limit ${perShop}
          for update of x skip locked
        ) c
        where s.enabled = 1 and s.needs_attention_reason is null
      ) r
      order by (r.rn - 1) / ${share}, r.next_attempt_at, r.id
      limit ${limit}
    )
    returning *`.execute(database.db);
  return result.rows;
}

async function claimSqlite(database: Database, plan: ClaimPlan): Promise<DeliveryRecord[]> {
  const { nowMs, limit, owner, leaseMs, share, perShop } = plan;
  // CROSS JOIN is SQLite's join-order hint: shops drive the loop, and each shop's rows come by rowid from its
  // own bounded subquery. A plain join lets the planner scan deliveries instead.
  const result = await sql<DeliveryRecord>`
    update deliveries
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}, updated_at = ${nowMs}
    where id in (
      select r.id from (
        select c.id, c.next_attempt_at,
               row_number() over (partition by s.shop order by c.next_attempt_at, c.id) as rn
        from shops s
        cross join deliveries c on c.id in (
          select x.id from deliveries x
          where x.shop = s.shop and ${dueFor("x", nowMs)}
          order by x.next_attempt_at, x.id
          limit ${perShop}
        )
        where s.enabled = 1 and s.needs_attention_reason is null
      ) r
      order by (r.rn - 1) / ${share}, r.next_attempt_at, r.id
      limit ${limit}
    )
    returning *`.execute(database.db);
  return result.rows;
}
