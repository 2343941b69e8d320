import type { Database } from "../db/connection.server";
import { CHUNK_ROWS, chunkRowsFor, deleteOrdersChunk, deleteShopChunk, forEachSpan, redriveSpan, type ShopTable } from "../db/bulk-writes.server";
import { createMaintenanceJobs, JOB_KIND, type MaintenanceJob, type MaintenanceJobs } from "../db/maintenance-jobs.server";
import { gatherDataRequest } from "./data-request-report.server";
import { createOrderAdjustments } from "../db/order-adjustments.server";
import { createDataRequests } from "../db/data-requests.server";
import { deleteShopRecords } from "../db/shops.server";
import { errorMessage } from "../lib/error-message";

// Carries out queued bulk work (decision 0020) in chunks of at most CHUNK_ROWS rows, one short statement
// each, yielding between chunks — and waiting while the process (or its web process) has webhooks in
// flight — so a 1,000,000-row shop/redact never holds the write lock, or the event loop, for more than a
// chunk. Runs where the worker runs: the embedded web process's delivery thread, or `npm run worker`.

export type MaintenanceLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
};

export type MaintenanceOptions = {
  database: Database;
  logger: MaintenanceLogger;
  owner: string;
  now?: () => number;
  /** Pause between chunks (default 10 ms): another connection waiting for the lock gets it in the gap. */
  gapMs?: number;
  /** While this says so (webhooks in flight), chunks wait, at most `maxYieldMs` (2 s) at a time. */
  yieldWhile?: () => boolean;
  maxYieldMs?: number;
  leaseMs?: number;
};

export type Maintenance = {
  jobs: MaintenanceJobs;
  /** Runs queued jobs until none is left (or `stop` was asked); returns how many ran. */
  runJobs(shouldStop?: () => boolean): Promise<number>;
  between(): Promise<void>;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const RETRY_FAILED_JOB_MS = 60_000;

export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { database, logger, owner } = options;
  const now = options.now ?? Date.now;
  const gapMs = options.gapMs ?? 10;
  const maxYieldMs = options.maxYieldMs ?? 2_000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const jobs = createMaintenanceJobs(database);

  async function between(): Promise<void> {
    await sleep(gapMs);
    if (!options.yieldWhile) return;
    const since = performance.now();
    while (options.yieldWhile() && performance.now() - since < maxYieldMs) await sleep(25);
  }

  async function drainShopTable(job: MaintenanceJob, table: ShopTable, shop: string): Promise<number> {
    let total = 0;
    const limit = chunkRowsFor(database);
    for (;;) {
      const n = await deleteShopChunk(database, table, shop, limit);
      total += n;
      if (n > 0) await jobs.progress(job.id, n, now(), leaseMs);
      if (n < limit) return total;
      await between();
    }
  }

  async function shopRedact(job: MaintenanceJob, shop: string): Promise<Record<string, number>> {
    // The credentials and the shop row first: nothing is sent for the shop from here on (the claim needs it).
    await deleteShopRecords(database, shop);
    const deleted: Record<string, number> = {};
    const tables = ["deliveries", "order_events", "webhook_receipts", "data_requests", "browser_purchase_ids", "funnel_events", "funnel_event_counts"] as const;
    for (const table of tables) {
      deleted[table] = await drainShopTable(job, table, shop);
    }
    // Cancellations and refunds recorded for the shop's orders (decision 0024).
    const adjustments = createOrderAdjustments(database);
    deleted.order_adjustments = 0;
    for (let n = CHUNK_ROWS; n === CHUNK_ROWS; await between()) {
      n = await adjustments.deleteShopChunk(shop, CHUNK_ROWS);
      deleted.order_adjustments += n;
    }
    // Nothing naming the shop stays behind, not even this job.
    await jobs.purge({ shop, exceptId: job.id });
    return deleted;
  }

  async function customerRedact(job: MaintenanceJob, shop: string): Promise<Record<string, number>> {
    const orderIds = Array.isArray(job.args.orderIds) ? job.args.orderIds.filter((id): id is string => typeof id === "string") : [];
    let deliveries = 0;
    for (let start = 0; start < orderIds.length; start += CHUNK_ROWS) {
      const n = await deleteOrdersChunk(database, shop, orderIds.slice(start, start + CHUNK_ROWS));
      deliveries += n;
      await jobs.progress(job.id, n, now(), leaseMs);
      await between();
    }
    // The cancellations and refunds recorded for those orders (decision 0024).
    const adjustments = createOrderAdjustments(database);
    let orderAdjustments = 0;
    for (let start = 0; start < orderIds.length; start += CHUNK_ROWS) {
      orderAdjustments += await adjustments.deleteOrders(shop, orderIds.slice(start, start + CHUNK_ROWS));
      await between();
    }
    const customerId = typeof job.args.customerId === "string" ? job.args.customerId : null;
    if (customerId !== null) {
      await createDataRequests(database).deleteForCustomer(shop, customerId);
    }
    return { deliveries, orderAdjustments };
  }

  async function redrive(job: MaintenanceJob): Promise<Record<string, number>> {
    const status = job.args.status === "dead" ? "dead" : "needs_attention";
    const filter = { status, ...(job.shop !== null && { shop: job.shop }) } as const;
    let redriven = 0;
    const startedAt = now();
    await forEachSpan(
      database,
      async (span) => {
        const n = await redriveSpan(database, span, filter, startedAt);
        redriven += n;
        if (n > 0) await jobs.progress(job.id, n, now(), leaseMs);
        return true;
      },
      between,
    );
    return { redriven };
  }

  async function run(job: MaintenanceJob): Promise<Record<string, number>> {
    const shop = job.shop ?? "";
    switch (job.kind) {
      case JOB_KIND.shopRedact:
        return shopRedact(job, shop);
      case JOB_KIND.customerRedact:
        return customerRedact(job, shop);
      case JOB_KIND.dataRequest:
        return gatherDataRequest({ database, between, now }, job);
      case JOB_KIND.redrive:
        return redrive(job);
    }
  }

  async function runJobs(shouldStop: () => boolean = () => false): Promise<number> {
    let ran = 0;
    while (!shouldStop()) {
      const job = await jobs.claimNext(owner, now(), leaseMs);
      if (!job) return ran;
      ran += 1;
      try {
        const outcome = await run(job);
        if (job.kind === JOB_KIND.shopRedact) await jobs.remove(job.id);
        else await jobs.finish(job.id, now());
        logger.info({ job: job.id, kind: job.kind, shop: job.shop, ...outcome }, "maintenance job done");
      } catch (error) {
        const message = errorMessage(error);
        logger.warn({ job: job.id, kind: job.kind, shop: job.shop, err: message }, "maintenance job failed; it will run again");
        await jobs.fail(job.id, message, now(), now() + RETRY_FAILED_JOB_MS).catch(() => {});
      }
    }
    return ran;
  }

  return { jobs, runJobs, between };
}
