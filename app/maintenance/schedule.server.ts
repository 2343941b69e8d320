import type { Database } from "../db/connection.server";
import type { Env } from "../env.server";
import { releaseHeldForConfiguredShops } from "../delivery/release-held.server";
import type { DeliveryQueue } from "../delivery/queue";
import type { Outbox } from "../db/outbox.server";
import type { ShopStore } from "../db/shops.server";
import { createMaintenance, type Maintenance, type MaintenanceLogger } from "./bulk-jobs.server";
import { purgeExpired, retentionPolicyFrom, type RetentionResult } from "./purge.server";
import { errorMessage } from "../lib/error-message";
import { oneAtATime } from "../lib/one-at-a-time";
import { trimFunnelBacklogs, type FunnelDropMetrics } from "./funnel-backlog.server";

export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
export const DEFAULT_JOB_POLL_MS = 1_000;
/** How often each shop's funnel backlog is held against FUNNEL_BACKLOG_MAX (decision 0030). */
export const DEFAULT_BACKLOG_INTERVAL_MS = 60_000;
/** FUNNEL_BACKLOG_MAX's default. */
export const DEFAULT_FUNNEL_BACKLOG_MAX = 100_000;

export type RetentionSchedule = {
  /** Runs one purge now (also what the timer calls); never rejects, failures are logged. */
  runNow(): Promise<RetentionResult | null>;
  /** Runs queued maintenance jobs now (also what the poll calls); never rejects. */
  runJobsNow(): Promise<number>;
  /** Trims funnel backlogs over their cap now (also what its timer calls); never rejects; how many rows went. */
  trimBacklogsNow(): Promise<number>;
  maintenance: Maintenance;
  stop(): Promise<void>;
};

export type RetentionScheduleOptions = {
  intervalMs?: number;
  /** How often queued jobs (redactions, data requests, redrives) are looked for (default 1 s). */
  jobPollMs?: number;
  /** How often funnel backlogs are checked against their cap (default 60 s). */
  backlogIntervalMs?: number;
  now?: () => number;
  owner?: string;
  /** Webhooks in flight in this process (or, on a delivery thread, in its web process): chunks wait. */
  yieldWhile?: () => boolean;
  gapMs?: number;
};

type Context = {
  database: Database;
  outbox: Pick<Outbox, "shopsWithHeld" | "fanOutHeld">;
  shops: Pick<ShopStore, "getShop">;
  queue: Pick<DeliveryQueue, "notify">;
  logger: MaintenanceLogger;
  env: Pick<Env, "RETENTION_PAYLOAD_DAYS" | "RETENTION_METADATA_DAYS" | "RETENTION_RECEIPT_DAYS"> &
    Partial<Pick<Env, "RETENTION_FUNNEL_HOURS" | "FUNNEL_BACKLOG_MAX">>;
  /** Where dropped funnel events are counted (the process's metrics; a delivery thread forwards them). */
  metrics?: FunnelDropMetrics;
};

/**
 * The maintenance loop, from the process (or delivery thread) that runs the worker: queued bulk jobs every
 * second, the funnel backlogs against their cap every minute, and once at start and then hourly, the retention
 * purge and the release of events held past their shop's configuration. One job and one purge at a time; every chunk is idempotent, so several worker hosts
 * running this is harmless (jobs are leased, purges simply find less to do).
 */
export function startRetentionSchedule(context: Context, options: RetentionScheduleOptions = {}): RetentionSchedule {
  const intervalMs = options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const policy = retentionPolicyFrom(context.env);
  const maintenance = createMaintenance({
    database: context.database,
    logger: context.logger,
    owner: options.owner ?? `maintenance-${process.pid}`,
    now,
    ...(options.yieldWhile && { yieldWhile: options.yieldWhile }),
    ...(options.gapMs !== undefined && { gapMs: options.gapMs }),
  });
  const backlogCap = context.env.FUNNEL_BACKLOG_MAX ?? DEFAULT_FUNNEL_BACKLOG_MAX;
  let stopped = false;

  async function purge(): Promise<RetentionResult | null> {
    try {
      // The same periodic pass also releases orders held past their shop's configuration (a race, rare).
      await releaseHeldForConfiguredShops(context, now());
    } catch (error) {
      context.logger.warn({ err: errorMessage(error) }, "releasing held events failed");
    }
    try {
      const result = await purgeExpired(context, policy, now(), maintenance.between);
      if (result.payloadsPurged + result.rowsDeleted + result.receiptsDeleted + result.expired > 0) {
        context.logger.info({ ...result, ...policy }, "retention purge");
      }
      return result;
    } catch (error) {
      context.logger.warn({ err: errorMessage(error) }, "retention purge failed");
      return null;
    }
  }

  /** A failed pass is logged and counts as nothing done: the next tick tries again. */
  function loggedAsNothing(message: string) {
    return (error: unknown): number => {
      context.logger.warn({ err: errorMessage(error) }, message);
      return 0;
    };
  }

  // One run of each at a time: a slow purge on a big table must not pile up behind itself.
  const purges = oneAtATime(purge);
  const jobs = oneAtATime(() => maintenance.runJobs(() => stopped).catch(loggedAsNothing("maintenance jobs failed")));
  const trims = oneAtATime(() =>
    trimFunnelBacklogs(context, backlogCap, now(), maintenance.between).catch(loggedAsNothing("funnel backlog trim failed")),
  );

  function every(ms: number, run: () => Promise<unknown>): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      if (!stopped) void run();
    }, ms);
    timer.unref();
    return timer;
  }
  const timers = [
    every(intervalMs, purges.run),
    every(options.jobPollMs ?? DEFAULT_JOB_POLL_MS, jobs.run),
    every(options.backlogIntervalMs ?? DEFAULT_BACKLOG_INTERVAL_MS, trims.run),
  ];
  void purges.run();
  void jobs.run();
  void trims.run();

  return {
    runNow: purges.run,
    runJobsNow: jobs.run,
    trimBacklogsNow: trims.run,
    maintenance,
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await purges.settled();
      await jobs.settled();
      await trims.settled();
    },
  };
}
