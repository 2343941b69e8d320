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
 * Leases due rows in ONE statement (UPDATE ... WHERE id IN (ranked due rows) RETURNING *), for both engines:
 * - PostgreSQL: the inner SELECT ... FOR UPDATE SKIP LOCKED re-checks each row after locking it, so parallel
 *   workers never lease the same row; a worker that loses a race gets fewer rows, never duplicates.
 * - SQLite: a write statement takes the database write lock before it reads (like BEGIN IMMEDIATE), and one
 *   statement cannot interleave with another connection's, so select-then-update is atomic.
 * Due = status pending|retrying, next_attempt_at <= now, no live lease (an expired lease is reclaimable), and the
 * shop exists, is enabled and is not flagged needs-attention.
 */
export async function claimDue(database: Database, options: ClaimOptions): Promise<DeliveryRow[]> {
  const { nowMs, limit, owner, leaseMs } = options;
  if (limit <= 0) return [];
  const share = options.perShopLimit ?? defaultShopShare(limit);
  const cap = options.perShopLimit ?? limit;
  const lock = database.engine === "postgres" ? sql`for update of d skip locked` : sql``;
  const due = (alias: string) => sql`
    ${sql.ref(`${alias}.status`)} in ('pending', 'retrying')
    and ${sql.ref(`${alias}.next_attempt_at`)} <= ${nowMs}
    and (${sql.ref(`${alias}.lease_until`)} is null or ${sql.ref(`${alias}.lease_until`)} < ${nowMs})`;

  const result = await sql<DeliveryRecord>`
    update deliveries
    set lease_owner = ${owner}, lease_until = ${nowMs + leaseMs}, updated_at = ${nowMs}
    where id in (
      select d.id from deliveries d
      where d.id in (
        select r.id from (
          select c.id, c.next_attempt_at,
                 row_number() over (partition by c.shop order by c.next_attempt_at, c.id) as rn
          from deliveries c
          join shops s on s.shop = c.shop
          where ${due("c")}
            and s.enabled = 1
            and s.needs_attention_reason is null
        ) r
        where r.rn <= ${cap}
        order by (r.rn - 1) / ${share}, r.next_attempt_at, r.id
        limit ${limit}
      )
      and ${due("d")}
      ${lock}
    )
    returning *`.execute(database.db);

  return result.rows
    .map(toDeliveryRow)
    .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
}
