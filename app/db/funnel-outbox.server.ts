import { sql, type SqlBool } from "kysely";
import type { Database } from "./connection.server";
import type { FunnelEventRecord } from "./schema";
import { claimFunnelDue } from "./funnel-claim.server";
import type { ClaimOptions } from "./outbox-claim.server";
import type { DeliveryStatus } from "./outbox-types";
import { sentUpdate, type SentInput } from "./outbox-sent.server";
import { withWriteTransaction } from "./write-transaction.server";
import type { ClaimedDelivery, DeliveryOutbox } from "../delivery/ports";
import { COLLECTOR_PROVENANCE } from "../collector/funnel-rows";

// The funnel queue as the delivery worker sees it: the same port as the outbox (app/delivery/ports.ts), so
// the same worker code batches, sends and records funnel events (decision 0034). What differs is what an
// outcome does to a row:
// - sent: the row is done and counted (funnel_event_counts); its payload goes, its key stays (a replay stores
//   nothing) until the purge;
// - anything else (retry, dead letter, needs attention): the row moves to `deliveries` with that outcome, as a
//   funnel row (provenance `collector`), and is retried, paused, listed and redriven there like any other.
// A moved row is done here too, in the same transaction, so it is neither claimed again nor stored again.
// Results are fenced by the lease as the outbox's are (decision 0036): only "sent" applies whoever holds a row.

type Failure = { status: Extract<DeliveryStatus, "retrying" | "dead" | "needs_attention">; reason: string; nextAttemptAt?: number; fbtraceId?: string | null };

/** The UTC day of a moment, as funnel_event_counts keys it. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Rows leased per claim statement, and the pause between statements on SQLite (see claimDue). */
export const CLAIM_CHUNK = 500;
const CLAIM_PAUSE_MS = 1;

export type FunnelOutbox = DeliveryOutbox & { claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> };

export function createFunnelOutbox(database: Database): FunnelOutbox {
  const { db } = database;
  // The ids as one parameter, not one placeholder each: the statement's text is then the same for every batch,
  // so SQLite reuses its prepared statement (the adapter caches by text) and Kysely builds no node per id.
  const inIds = (ids: readonly number[]) =>
    database.engine === "postgres"
      ? sql`id = any(cast(${[...ids]} as bigint[]))`
      : sql`id in (select value from json_each(${JSON.stringify(ids)}))`;

  async function claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const rows: FunnelEventRecord[] = [];
    // In statements of CLAIM_CHUNK rows with a pause between: each holds SQLite's one write lock while it leases
    // its rows (~2.5 ms for 500), and a webhook commit of the web process waiting for that lock gets it in the
    // pause instead of after the whole claim (decision 0034, Measurements).
    while (rows.length < options.limit) {
      const want = Math.min(CLAIM_CHUNK, options.limit - rows.length);
      const part = await claimFunnelDue(database, { ...options, limit: want });
      rows.push(...part);
      if (part.length < want) break;
      if (database.engine === "sqlite") await new Promise((resolve) => setTimeout(resolve, CLAIM_PAUSE_MS));
    }
    return rows.map((row) => ({
      id: row.id,
      shop: row.shop,
      destination: row.destination,
      eventName: row.event_name,
      eventId: row.event_id,
      eventTime: Number(row.event_time),
      // JSON text: the worker parses it once, where it checks it (event-payload.ts).
      payload: row.payload,
      attempts: 0,
      sendingStartedAt: row.sending_started_at === null ? null : Number(row.sending_started_at),
    }));
  }

  /**
   * Marks the rows not done yet as done; returns the ones this call finished. With an owner, only rows that owner
   * still holds (decision 0036); without, whoever holds them (Meta accepted them).
   */
  async function markDone(
    ids: readonly number[],
    nowMs: number,
    owner: string | null,
    executor = db,
  ): Promise<Array<{ id: number; shop: string; event_name: string }>> {
    const finished = await sql<{ id: number; shop: string; event_name: string }>`
      update funnel_events
      set done_at = ${nowMs}, payload = null, lease_owner = null, lease_until = null, sending_started_at = null
      where ${inIds(ids)} and done_at is null${owner === null ? sql`` : sql` and lease_owner = ${owner}`}
      returning id, shop, event_name`.execute(executor);
    return finished.rows;
  }

  /** Moves the rows `owner` still holds to `deliveries` with the failure; returns how many moved. */
  async function moveToOutbox(ids: readonly number[], owner: string, nowMs: number, failure: Failure): Promise<number> {
    if (ids.length === 0) return 0;
    return withWriteTransaction(database, async (trx) => {
      // Only rows this worker still holds (decision 0036): a row another worker claimed after this lease ran out
      // is that worker's to record, and a row done meanwhile (sent, or moved) is not moved again. On PostgreSQL
      // the rows are locked as they are read, so no claim can take them between the insert and the update that
      // marks them done (a claim skips locked rows); on SQLite the write transaction holds the one write lock.
      // The casts type the parameters of the select list for PostgreSQL, which cannot infer them there.
      await sql`
        insert into deliveries (shop, destination, event_name, event_id, provenance, order_id, order_name, event_time, payload,
          match_keys, status, status_reason, attempts, next_attempt_at, created_at, updated_at, fbtrace_id, resends, resent_at)
        select shop, destination, event_name, event_id, cast(${COLLECTOR_PROVENANCE} as text), null, null, event_time, payload,
          match_keys, cast(${failure.status} as text), cast(${failure.reason} as text), 1,
          cast(${failure.nextAttemptAt ?? nowMs} as bigint), created_at, cast(${nowMs} as bigint),
          cast(${failure.fbtraceId ?? null} as text), resends, resent_at
        from funnel_events where ${inIds(ids)} and done_at is null and lease_owner = ${owner}
        ${database.engine === "postgres" ? sql`for update` : sql``}
        on conflict (shop, destination, event_name, event_id) do nothing`.execute(trx);
      return (await markDone(ids, nowMs, owner, trx)).length;
    });
  }

  /**
   * Sent wins (decision 0036): rows this call could not finish here were done already — sent before, or moved to
   * `deliveries` by another worker's failure after this lease ran out. A moved row is recorded as sent there, so
   * it is not sent a third time. Only after a lease ran out, so the common path costs no statement more.
   */
  async function markMovedSent(ids: readonly number[], input: SentInput): Promise<void> {
    await sentUpdate(db, input)
      .where(sql<SqlBool>`(shop, destination, event_name, event_id) in (
        select shop, destination, event_name, event_id from funnel_events where ${inIds(ids)})`)
      .execute();
  }

  return {
    claimDue,
    async markSent(ids, input) {
      if (ids.length === 0) return;
      // Two statements, not a transaction: on SQLite a transaction holds the one write lock across awaits, while
      // this thread's other sends run, and the web process's webhooks wait on it. `done_at is null` makes a row
      // count once whichever worker finishes it; should the process stop between the two, a batch that reached
      // Meta goes uncounted (never counted twice).
      const finished = await markDone(ids, input.nowMs, null);
      if (finished.length < ids.length) {
        const done = new Set(finished.map((row) => Number(row.id)));
        await markMovedSent(ids.filter((id) => !done.has(id)), input);
      }
      const counts = new Map<string, { shop: string; eventName: string; sent: number }>();
      for (const row of finished) {
        const key = `${row.shop}\n${row.event_name}`;
        const entry = counts.get(key) ?? { shop: row.shop, eventName: row.event_name, sent: 0 };
        entry.sent += 1;
        counts.set(key, entry);
      }
      if (counts.size === 0) return;
      const day = utcDay(input.nowMs);
      const values = [...counts.values()].map((c) => sql`(${c.shop}, ${day}, ${c.eventName}, ${c.sent})`);
      await sql`
        insert into funnel_event_counts (shop, day, event_name, sent) values ${sql.join(values)}
        on conflict (shop, day, event_name) do update set sent = funnel_event_counts.sent + excluded.sent`.execute(db);
    },
    markRetry: (ids, input) =>
      moveToOutbox(ids, input.owner, input.nowMs, { status: "retrying", reason: input.reason, nextAttemptAt: input.nextAttemptAt }),
    markDead: (ids, input) => moveToOutbox(ids, input.owner, input.nowMs, { status: "dead", reason: input.reason, fbtraceId: input.fbtraceId }),
    markNeedsAttention: (ids, input) =>
      moveToOutbox(ids, input.owner, input.nowMs, { status: "needs_attention", reason: input.reason, fbtraceId: input.fbtraceId }),
    // As the outbox's markSending (decision 0025), on the rows this worker still holds (decision 0036): a marker
    // still set at a claim means a lost answer.
    async markSending(ids, input) {
      if (ids.length === 0) return 0;
      const result = await sql`
        update funnel_events
        set resends = resends + case when sending_started_at is null then 0 else 1 end,
            resent_at = case when sending_started_at is null then resent_at else ${input.nowMs} end,
            sending_started_at = ${input.nowMs}
        where ${inIds(ids)} and lease_owner = ${input.owner}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
    async releaseLease(ids, input) {
      if (ids.length === 0) return 0;
      const result = await sql`
        update funnel_events set lease_owner = null, lease_until = null
        where ${inIds(ids)} and lease_owner = ${input.owner}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
    // A paused shop's funnel events wait here unclaimed (the claim skips it); needs-attention rows that were
    // moved live in `deliveries`, which the outbox resumes.
    async resumeShop() {
      return 0;
    },
  };
}
