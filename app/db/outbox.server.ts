import { sql } from "kysely";
import type { Database } from "./connection.server.ts";
import { claimDue, type ClaimOptions } from "./outbox-claim.server.ts";
import { fanOutHeld } from "./outbox-held.server.ts";
import {
  ALL_DELIVERY_STATUSES,
  toDeliveryRow,
  toNewRecord,
  UNCONFIGURED_DESTINATION,
  type DeliveryRow,
  type DeliveryStatus,
  type NewDelivery,
} from "./outbox-types.ts";

export type Outbox = ReturnType<typeof createOutbox>;
export type ListDeliveriesOptions = { shop?: string; status?: DeliveryStatus; limit: number; beforeId?: number };
export type DeliveryPage = { rows: DeliveryRow[]; nextBeforeId: number | null };

// 22 columns per row keeps a chunk far below SQLite's 32,766 bound-parameter limit.
const INSERT_CHUNK = 500;
/** Rows that will never be attempted again; only these lose their payload or get deleted by retention. */
const TERMINAL_STATUSES: DeliveryStatus[] = ["sent", "dead", "skipped"];

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * The outbox: one row per (shop, destination, event_name, event_id). Every mark* call is made after a send
 * attempt, so it counts one attempt and clears the lease.
 */
export function createOutbox(database: Database) {
  const { db } = database;

  async function enqueue(rows: readonly NewDelivery[], nowMs: number): Promise<{ inserted: number }> {
    let inserted = 0;
    for (const part of chunk(rows, INSERT_CHUNK)) {
      const result = await db
        .insertInto("deliveries")
        .values(part.map((row) => toNewRecord(row, nowMs)))
        .onConflict((oc) => oc.columns(["shop", "destination", "event_name", "event_id"]).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return { inserted };
  }

  function updateIds(ids: readonly number[]) {
    return db.updateTable("deliveries").where("id", "in", [...ids]);
  }

  async function markSent(
    ids: readonly number[],
    opts: { nowMs: number; fbtraceId: string | null; eventsReceived: number | null },
  ): Promise<void> {
    if (ids.length === 0) return;
    await updateIds(ids)
      .set((eb) => ({
        status: "sent",
        status_reason: null,
        attempts: eb("attempts", "+", 1),
        fbtrace_id: opts.fbtraceId,
        events_received: opts.eventsReceived,
        sent_at: opts.nowMs,
        updated_at: opts.nowMs,
        lease_owner: null,
        lease_until: null,
        sending_started_at: null,
      }))
      .execute();
  }

  async function markFailed(
    ids: readonly number[],
    status: DeliveryStatus,
    opts: { nowMs: number; reason: string; fbtraceId?: string | null; nextAttemptAt?: number },
  ): Promise<void> {
    if (ids.length === 0) return;
    await updateIds(ids)
      .set((eb) => ({
        status,
        status_reason: opts.reason,
        attempts: eb("attempts", "+", 1),
        updated_at: opts.nowMs,
        lease_owner: null,
        lease_until: null,
        sending_started_at: null,
        ...(opts.nextAttemptAt !== undefined && { next_attempt_at: opts.nextAttemptAt }),
        ...(opts.fbtraceId !== undefined && { fbtrace_id: opts.fbtraceId }),
      }))
      .execute();
  }

  async function markRetry(
    ids: readonly number[],
    opts: { nowMs: number; nextAttemptAt: number; reason: string },
  ): Promise<void> {
    await markFailed(ids, "retrying", opts);
  }

  async function markDead(
    ids: readonly number[],
    opts: { nowMs: number; reason: string; fbtraceId?: string | null },
  ): Promise<void> {
    await markFailed(ids, "dead", opts);
  }

  async function markNeedsAttention(
    ids: readonly number[],
    opts: { nowMs: number; reason: string; fbtraceId?: string | null },
  ): Promise<void> {
    await markFailed(ids, "needs_attention", opts);
  }

  /**
   * A request carrying these rows is about to start (decision 0025). A row whose previous request left no
   * recorded answer (its marker is still set: the worker died or its lease ran out while Meta answered) is
   * being sent again: `resends` counts it. The outcome recorded from Meta's answer clears the marker;
   * releasing a lease does not, since a released row's last request may have reached Meta.
   */
  async function markSending(ids: readonly number[], opts: { nowMs: number }): Promise<void> {
    if (ids.length === 0) return;
    await updateIds(ids)
      .set({
        resends: sql<number>`resends + case when sending_started_at is null then 0 else 1 end`,
        resent_at: sql<number | null>`case when sending_started_at is null then resent_at else ${opts.nowMs} end`,
        sending_started_at: opts.nowMs,
      })
      .execute();
  }

  /** Gives rows back without counting an attempt (e.g. the worker is shutting down). */
  async function releaseLease(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await updateIds(ids).set({ lease_owner: null, lease_until: null }).execute();
  }

  /** The merchant fixed the configuration: paused rows become due now. Returns how many. */
  /** Shops with events still held for a configuration (status 'held' leads the due index, so this is cheap). */
  async function shopsWithHeld(): Promise<string[]> {
    const rows = await db
      .selectFrom("deliveries")
      .select("shop")
      .distinct()
      .where("status", "=", "held")
      .where("destination", "=", UNCONFIGURED_DESTINATION)
      .execute();
    return rows.map((row) => row.shop);
  }

  async function resumeShop(shop: string, nowMs: number): Promise<number> {
    const result = await db
      .updateTable("deliveries")
      .set({ status: "pending", status_reason: null, next_attempt_at: nowMs, updated_at: nowMs })
      .where("shop", "=", shop)
      .where("status", "=", "needs_attention")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Newest first; pass the returned nextBeforeId to get the next page (null = no more). */
  async function list(opts: ListDeliveriesOptions): Promise<DeliveryPage> {
    let query = db.selectFrom("deliveries").selectAll().orderBy("id", "desc").limit(opts.limit + 1);
    if (opts.shop !== undefined) query = query.where("shop", "=", opts.shop);
    if (opts.status !== undefined) query = query.where("status", "=", opts.status);
    if (opts.beforeId !== undefined) query = query.where("id", "<", opts.beforeId);
    const records = await query.execute();
    const rows = records.slice(0, opts.limit).map(toDeliveryRow);
    const last = rows.at(-1);
    return { rows, nextBeforeId: records.length > opts.limit && last !== undefined ? last.id : null };
  }

  async function get(id: number): Promise<DeliveryRow | null> {
    const record = await db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return record === undefined ? null : toDeliveryRow(record);
  }

  /**
   * Puts dead or needs-attention rows back in the queue, due now. Rows whose payload was purged, and rows that
   * never had a pixel, cannot be sent and are left alone. Returns how many were requeued.
   */
  async function redrive(opts: {
    shop?: string;
    status: "dead" | "needs_attention";
    nowMs: number;
  }): Promise<number> {
    let query = db
      .updateTable("deliveries")
      .set({
        status: "pending",
        status_reason: null,
        next_attempt_at: opts.nowMs,
        updated_at: opts.nowMs,
        lease_owner: null,
        lease_until: null,
      })
      .where("status", "=", opts.status)
      .where("payload", "is not", null)
      .where("destination", "!=", UNCONFIGURED_DESTINATION);
    if (opts.shop !== undefined) query = query.where("shop", "=", opts.shop);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async function countByStatus(shop?: string): Promise<Record<DeliveryStatus, number>> {
    let query = db
      .selectFrom("deliveries")
      .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
      .groupBy("status");
    if (shop !== undefined) query = query.where("shop", "=", shop);
    const counts = Object.fromEntries(ALL_DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
      DeliveryStatus,
      number
    >;
    for (const row of await query.execute()) {
      const status = ALL_DELIVERY_STATUSES.find((candidate) => candidate === row.status);
      if (status !== undefined) counts[status] = Number(row.count);
    }
    return counts;
  }

  async function deleteForShop(shop: string): Promise<number> {
    await db.deleteFrom("order_events").where("shop", "=", shop).execute();
    const result = await db.deleteFrom("deliveries").where("shop", "=", shop).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Retention step 1: drop the hashed payload of finished rows created before the cutoff. */
  async function purgePayloads(opts: { olderThanMs: number }): Promise<number> {
    const result = await db
      .updateTable("deliveries")
      .set({ payload: null })
      .where("created_at", "<", opts.olderThanMs)
      .where("status", "in", TERMINAL_STATUSES)
      .where("payload", "is not", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Retention step 2: delete finished rows created before the cutoff, and the order claims of that age
   * (decision 0015): by then no webhook of the order is retried any more.
   */
  async function purgeMetadata(opts: { olderThanMs: number }): Promise<number> {
    await db.deleteFrom("order_events").where("created_at", "<", opts.olderThanMs).execute();
    const result = await db
      .deleteFrom("deliveries")
      .where("created_at", "<", opts.olderThanMs)
      .where("status", "in", TERMINAL_STATUSES)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return {
    enqueue,
    claimDue: (opts: ClaimOptions) => claimDue(database, opts),
    markSent,
    markRetry,
    markDead,
    markNeedsAttention,
    markSending,
    releaseLease,
    resumeShop,
    shopsWithHeld,
    fanOutHeld: (shop: string, pixelIds: readonly string[], nowMs: number) =>
      fanOutHeld(database, shop, pixelIds, nowMs),
    list,
    get,
    redrive,
    countByStatus,
    deleteForShop,
    purgePayloads,
    purgeMetadata,
  };
}
