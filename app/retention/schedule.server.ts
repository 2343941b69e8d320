import type { AppContext } from "../context.server";
import { releaseHeldForConfiguredShops } from "../delivery/release-held.server";
import { purgeExpired, retentionPolicyFrom, type RetentionResult } from "./purge.server";

export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export type RetentionSchedule = {
  /** Runs one purge now (also what the timer calls); never rejects, failures are logged. */
  runNow(): Promise<RetentionResult | null>;
  stop(): Promise<void>;
};

export type RetentionScheduleOptions = {
  intervalMs?: number;
  now?: () => number;
};

type Context = Pick<AppContext, "outbox" | "receipts" | "logger" | "env" | "shops" | "queue">;

/**
 * Purges expired data (and releases events held past their shop's configuration) once at start and then every
 * `intervalMs` (default hourly), from the process that runs the worker. Every statement is idempotent, so several worker hosts running it at once is harmless.
 */
export function startRetentionSchedule(context: Context, options: RetentionScheduleOptions = {}): RetentionSchedule {
  const intervalMs = options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const policy = retentionPolicyFrom(context.env);
  let inFlight: Promise<RetentionResult | null> | null = null;
  let stopped = false;

  async function purge(): Promise<RetentionResult | null> {
    try {
      // The same periodic pass also releases orders held past their shop's configuration (a race, rare).
      await releaseHeldForConfiguredShops(context, now());
    } catch (error) {
      context.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "releasing held events failed");
    }
    try {
      const result = await purgeExpired(context, policy, now());
      if (result.payloadsPurged + result.rowsDeleted + result.receiptsDeleted > 0) {
        context.logger.info({ ...result, ...policy }, "retention purge");
      }
      return result;
    } catch (error) {
      context.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "retention purge failed");
      return null;
    }
  }

  function runNow(): Promise<RetentionResult | null> {
    // One purge at a time: a slow purge on a big table must not pile up behind itself.
    inFlight ??= purge().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  const timer = setInterval(() => {
    if (!stopped) void runNow();
  }, intervalMs);
  timer.unref();
  void runNow();

  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
