import type { Logger } from "../logger.server";
import type { AlertChecker, AlertCheckResult } from "./check.server";
import { errorMessage } from "../lib/error-message";

export const DEFAULT_ALERT_INTERVAL_MS = 30 * 60 * 1000;
/** The first check waits a little: a process that just started has webhooks and the worker to get going. */
export const DEFAULT_ALERT_FIRST_DELAY_MS = 60 * 1000;

export type AlertSchedule = {
  /** One check now (also what the timer calls); never rejects. */
  runNow(): Promise<AlertCheckResult | null>;
  stop(): Promise<void>;
};

export type AlertScheduleOptions = { intervalMs?: number; firstDelayMs?: number; now?: () => number; onClose?: () => void };

/** Runs the alert check in this (web) process every `intervalMs`, one at a time, on unref'd timers. */
export function startAlertSchedule(checker: AlertChecker, logger: Logger, options: AlertScheduleOptions = {}): AlertSchedule {
  const now = options.now ?? Date.now;
  let inFlight: Promise<AlertCheckResult | null> | null = null;
  let stopped = false;

  function runNow(): Promise<AlertCheckResult | null> {
    inFlight ??= checker
      .run(now())
      .catch((error: unknown) => {
        logger.warn({ err: errorMessage(error) }, "alerts: the check failed");
        return null;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  const tick = () => {
    if (!stopped) void runNow();
  };
  const first = setTimeout(tick, options.firstDelayMs ?? DEFAULT_ALERT_FIRST_DELAY_MS);
  const timer = setInterval(tick, options.intervalMs ?? DEFAULT_ALERT_INTERVAL_MS);
  first.unref();
  timer.unref();

  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await inFlight;
      options.onClose?.();
    },
  };
}
