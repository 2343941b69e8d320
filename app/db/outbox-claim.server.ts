import { sql } from "kysely";
import type { Database } from "./connection.server";
import { toDeliveryRow, type DeliveryRow } from "./outbox-types";
import type { DeliveryRecord } from "./schema";
import { adoptBrowserPurchaseIds } from "./browser-ledger-claim.server";

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
 * One statement on both engines; only how each shop's rows join differs:
 * - PostgreSQL: a LATERAL subquery with FOR UPDATE SKIP LOCKED, so parallel workers never lease the same
 *   row; a worker that loses a race gets fewer rows, never duplicates.
 * - SQLite: a write statement takes the database write lock before it reads (like BEGIN
 *   IMMEDIATE) and cannot interleave with another connection's, so select-then-update is atomic.
 * An earlier single statement ranked every due row with a window function on each claim: after a long Meta
 * outage each claim re-read the whole backlog, on the thread that answers webhooks (decision 0003 has figures).
 */
export async function claimDue(database: Database, options: ClaimOptions): Promise<DeliveryRow[]> {
  const { nowMs, limit, owner, leaseMs } = options;
  if (limit <= 0) return [];
  const share = options.perShopLimit ?? defaultShopShare(limit);
  const perShop = Math.min(options.perShopLimit ?? limit, limit);
  const postgres = database.engine === "postgres";

  // One shop's oldest due rows, read in order through deliveries_shop_due_idx and stopping after `perShop`.
  const oldestDue = sql`
    select ${postgres ? sql`x.id, x.next_attempt_at` : sql`x.id`} from deliveries x
    where x.shop = s.shop
      and x.status in ('pending', 'retrying')
      and x.next_attempt_at <= ${nowMs}
      and (x.lease_until is null or x.lease_until < ${nowMs})
    order by x.next_attempt_at, x.id
    limit ${perShop}`;
  // How each shop's rows join it: PostgreSQL locks them as it reads them (LATERAL); on SQLite, CROSS JOIN is
  // the join-order hint that makes shops drive the loop and fetch each shop's rows by rowid (a plain join
  // lets the planner scan deliveries instead).
  const offers = postgres
    ? sql`cross join lateral (${oldestDue} for update of x skip locked) c`
    : sql`cross join deliveries c on c.id in (${oldestDue})`;

  const result = await sql<DeliveryRecord>`
    update deliveries
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}, updated_at = ${nowMs}
    where id in (
      select r.id from (
        select c.id, c.next_attempt_at,
               row_number() over (partition by s.shop order by c.next_attempt_at, c.id) as rn
        from shops s
        ${offers}
        where s.enabled = 1 and s.needs_attention_reason is null
      ) r
      order by (r.rn - 1) / ${share}, r.next_attempt_at, r.id
      limit ${limit}
    )
    returning *`.execute(database.db);
  const rows = result.rows.map(toDeliveryRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  // Purchases that waited for their browser's report: the last look at the ledger before the first send.
  return adoptBrowserPurchaseIds(database, rows, nowMs);
}
