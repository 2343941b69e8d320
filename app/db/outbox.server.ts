import { sql } from "kysely";
import type { Database } from "./connection.server";
import { claimDue, type ClaimOptions } from "./outbox-claim.server";
import { fanOutHeld } from "./outbox-held.server";
import { readDeliveryPage, type DeliveryCursor, type DeliveryPage } from "./delivery-pages.server";
import {
  ALL_DELIVERY_STATUSES,
  toDeliveryRow,
  toNewRecord,
  type DeliveryRow,
  type DeliveryStatus,
  type NewDelivery,
} from "./outbox-types";
import { sentUpdate, type SentInput } from "./outbox-sent.server";
import { UNCONFIGURED_DESTINATION } from "../destinations/destination-key";
import { chunk } from "../lib/chunk";

export type Outbox = ReturnType<typeof createOutbox>;
export type ListDeliveriesOptions = { shop?: string; status?: DeliveryStatus; limit: number; after?: DeliveryCursor | null };

// 22 columns per row keeps a chunk far below SQLite's 32,766 bound-parameter limit.
const INSERT_CHUNK = 500;

/**
 * The outbox: one row per (shop, destination, event_name, event_id). Every mark* call is made after a send
 * attempt, so it counts one attempt and clears the lease; all but markSent only on rows the caller still holds.
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

  // Fenced by the lease (decision 0036): a failure, a request's start or a release applies only to the rows the
  // caller still holds. A worker whose lease ran out finds them held by another worker, or finished, and leaves
  // them alone; the count it gets back tells it how many of its results were dropped.
  async function updateOwned(
    ids: readonly number[],
    owner: string,
    set: (query: ReturnType<typeof ownedRows>) => ReturnType<typeof ownedRows>,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await set(ownedRows(ids, owner)).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  function ownedRows(ids: readonly number[], owner: string) {
    return db.updateTable("deliveries").where("id", "in", [...ids]).where("lease_owner", "=", owner);
  }

  /** Meta accepted the rows: recorded whoever holds them (sentUpdate says why). */
  async function markSent(ids: readonly number[], opts: SentInput): Promise<void> {
    if (ids.length === 0) return;
    await sentUpdate(db, opts).where("id", "in", [...ids]).execute();
  }

  async function markFailed(
    ids: readonly number[],
    status: DeliveryStatus,
    opts: { owner: string; nowMs: number; reason: string; fbtraceId?: string | null; nextAttemptAt?: number },
  ): Promise<number> {
    return updateOwned(ids, opts.owner, (query) =>
      query.set((eb) => ({
        status,
        status_reason: opts.reason,
        attempts: eb("attempts", "+", 1),
        updated_at: opts.nowMs,
        lease_owner: null,
        lease_until: null,
        sending_started_at: null,
        ...(opts.nextAttemptAt !== undefined && { next_attempt_at: opts.nextAttemptAt }),
        ...(opts.fbtraceId !== undefined && { fbtrace_id: opts.fbtraceId }),
      })),
    );
  }

  function markRetry(ids: readonly number[], opts: { owner: string; nowMs: number; nextAttemptAt: number; reason: string }): Promise<number> {
    return markFailed(ids, "retrying", opts);
  }

  function markDead(ids: readonly number[], opts: { owner: string; nowMs: number; reason: string; fbtraceId?: string | null }): Promise<number> {
    return markFailed(ids, "dead", opts);
  }

  function markNeedsAttention(
    ids: readonly number[],
    opts: { owner: string; nowMs: number; reason: string; fbtraceId?: string | null },
  ): Promise<number> {
    return markFailed(ids, "needs_attention", opts);
  }

  /**
   * A request carrying these rows is about to start (decision 0025). A row whose previous request left no
   * recorded answer (its marker is still set: the worker died or its lease ran out while Meta answered) is
   * being sent again: `resends` counts it. The outcome recorded from Meta's answer clears the marker;
   * releasing a lease does not, since a released row's last request may have reached Meta.
   */
  function markSending(ids: readonly number[], opts: { owner: string; nowMs: number }): Promise<number> {
    return updateOwned(ids, opts.owner, (query) =>
      query.set({
        resends: sql<number>`resends + case when sending_started_at is null then 0 else 1 end`,
        resent_at: sql<number | null>`case when sending_started_at is null then resent_at else ${opts.nowMs} end`,
        sending_started_at: opts.nowMs,
      }),
    );
  }

  /** Gives rows back without counting an attempt (e.g. the worker is shutting down). */
  function releaseLease(ids: readonly number[], opts: { owner: string }): Promise<number> {
    return updateOwned(ids, opts.owner, (query) => query.set({ lease_owner: null, lease_until: null }));
  }

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

  /** The merchant fixed the configuration: paused rows become due now. Returns how many. */
  async function resumeShop(shop: string, nowMs: number): Promise<number> {
    const result = await db
      .updateTable("deliveries")
      .set({ status: "pending", status_reason: null, next_attempt_at: nowMs, updated_at: nowMs })
      .where("shop", "=", shop)
      .where("status", "=", "needs_attention")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Newest first, one page: the keyset paging every reader of deliveries shares (delivery-pages). */
  async function list(opts: ListDeliveriesOptions): Promise<DeliveryPage> {
    return readDeliveryPage(database, { shop: opts.shop, status: opts.status }, opts.after ?? null, opts.limit);
  }

  async function get(id: number): Promise<DeliveryRow | null> {
    const record = await db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return record === undefined ? null : toDeliveryRow(record);
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
    countByStatus,
  };
}
