import type { Database } from "./connection.server";

// Durable queue of bulk work (decision 0020). A request (shop/redact, customers/redact, a data request, an
// admin retry) inserts one row and answers; the maintenance loop where the worker runs leases the oldest job
// and does it in chunks. A lease, not a lock: a worker that dies mid-job leaves the lease to expire, and the
// next one runs the job again from the start — every chunk is idempotent.

export const JOB_KIND = {
  shopRedact: "shop_redact",
  customerRedact: "customer_redact",
  dataRequest: "data_request",
  redrive: "redrive",
} as const;
export type JobKind = (typeof JOB_KIND)[keyof typeof JOB_KIND];

export const JOB_STATUS = { queued: "queued", done: "done" } as const;

export type MaintenanceJob = {
  id: number;
  kind: JobKind;
  shop: string | null;
  args: Record<string, unknown>;
  status: string;
  doneRows: number;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
};

export type MaintenanceJobs = ReturnType<typeof createMaintenanceJobs>;

function readArgs(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const KINDS: readonly string[] = Object.values(JOB_KIND);

export function createMaintenanceJobs(database: Database) {
  const { db } = database;

  async function enqueue(kind: JobKind, shop: string | null, args: Record<string, unknown>, nowMs: number): Promise<number> {
    const row = await db
      .insertInto("maintenance_jobs")
      .values({ kind, shop, args: JSON.stringify(args), status: JOB_STATUS.queued, created_at: nowMs, updated_at: nowMs })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Leases the oldest queued job nobody holds (or whose holder's lease ran out). */
  async function claimNext(owner: string, nowMs: number, leaseMs: number): Promise<MaintenanceJob | null> {
    const candidates = await db
      .selectFrom("maintenance_jobs")
      .select("id")
      .where("status", "=", JOB_STATUS.queued)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", nowMs)]))
      .orderBy("id")
      .limit(4)
      .execute();
    for (const candidate of candidates) {
      const taken = await db
        .updateTable("maintenance_jobs")
        .set((eb) => ({ lease_owner: owner, lease_until: nowMs + leaseMs, attempts: eb("attempts", "+", 1), updated_at: nowMs }))
        .where("id", "=", candidate.id)
        .where("status", "=", JOB_STATUS.queued)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", nowMs)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return get(Number(candidate.id));
    }
    return null;
  }

  /** Counts a chunk's rows and keeps the lease alive. */
  async function progress(id: number, rows: number, nowMs: number, leaseMs: number): Promise<void> {
    await db
      .updateTable("maintenance_jobs")
      .set((eb) => ({ done_rows: eb("done_rows", "+", rows), lease_until: nowMs + leaseMs, updated_at: nowMs }))
      .where("id", "=", id)
      .execute();
  }

  async function finish(id: number, nowMs: number): Promise<void> {
    await db
      .updateTable("maintenance_jobs")
      .set({ status: JOB_STATUS.done, finished_at: nowMs, updated_at: nowMs, lease_owner: null, lease_until: null, last_error: null })
      .where("id", "=", id)
      .execute();
  }

  /** The job stays queued and is tried again once `retryAtMs` passes (its lease is set to then). */
  async function fail(id: number, error: string, nowMs: number, retryAtMs: number): Promise<void> {
    await db
      .updateTable("maintenance_jobs")
      .set({ last_error: error.slice(0, 500), lease_owner: null, lease_until: retryAtMs, updated_at: nowMs })
      .where("id", "=", id)
      .execute();
  }

  async function get(id: number): Promise<MaintenanceJob | null> {
    const row = await db.selectFrom("maintenance_jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || !KINDS.includes(row.kind)) return null;
    return {
      id: Number(row.id),
      kind: row.kind as JobKind,
      shop: row.shop,
      args: readArgs(row.args),
      status: row.status,
      doneRows: Number(row.done_rows),
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  async function countQueued(): Promise<number> {
    const row = await db
      .selectFrom("maintenance_jobs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", JOB_STATUS.queued)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Removes a job record (a finished shop redaction leaves nothing naming the shop). */
  async function remove(id: number): Promise<void> {
    await db.deleteFrom("maintenance_jobs").where("id", "=", id).execute();
  }

  /** Finished jobs older than the cutoff (retention) and, on shop/redact, every job of the shop. */
  async function purge(opts: { finishedBeforeMs?: number; shop?: string; exceptId?: number }): Promise<number> {
    let query = db.deleteFrom("maintenance_jobs");
    if (opts.finishedBeforeMs !== undefined) query = query.where("status", "=", JOB_STATUS.done).where("finished_at", "<", opts.finishedBeforeMs);
    if (opts.shop !== undefined) query = query.where("shop", "=", opts.shop);
    if (opts.exceptId !== undefined) query = query.where("id", "!=", opts.exceptId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { enqueue, claimNext, progress, finish, fail, get, countQueued, remove, purge };
}
