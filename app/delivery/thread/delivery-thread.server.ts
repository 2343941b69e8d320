import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { appRoot } from "../../app-root.server";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Env } from "../../env.server";
import type { Metrics } from "../../observability/metrics.server";
import type { DeliveryLogger } from "../ports";
import type { RunSummary } from "../run-summary";
import type { DeliveryWorker } from "../worker.server";
import type { DeliveryThreadData, DeliveryThreadTuning, FromThread, ToThread } from "./protocol";

export type { DeliveryThreadTuning } from "./protocol";

// The web process's side of its delivery thread (bin/delivery-thread.ts; decision 0010). It looks like any
// DeliveryWorker to the rest of the app: start, wake, stop, runOnce. What crosses the thread boundary is
// small: a "wake" per event-loop turn that inserted rows, and back, metrics, log lines and shop changes.

export type DeliveryThreadOptions = {
  env: Env;
  owner: string;
  tuning?: DeliveryThreadTuning;
  webhookPressure: SharedArrayBuffer;
  busyThreshold: number;
  logger: DeliveryLogger;
  metrics: Pick<Metrics, DeliveryThreadMetric> &
    Partial<Pick<Metrics, "recordFunnelDropped">>;
  onShopChanged(shop: string): void;
  /** The compiled thread entry; default: build/node/delivery-thread.js under the app root. */
  entry?: string;
  /** If the thread dies, it is started again after this long, doubling up to 30 s (default 1 s). */
  restartAfterMs?: number;
  /** SIGTERM's grace: a thread that has not finished its in-flight sends by then is terminated (default 30 s). */
  stopTimeoutMs?: number;
};

type DeliveryThreadMetric =
  | "recordDelivered"
  | "recordMetaError"
  | "recordResends"
  | "recordTokenErrorUnconfirmed"
  | "recordStaleResults"
  | "recordDeliveryThreadExit";

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The compiled thread entry, or null when this checkout has not been built (`npm run build` makes it). Both
 * this file's source (tests, scripts) and its bundled copy (build/server) find it from the app root.
 */
export function deliveryThreadEntry(): string | null {
  const path = join(appRoot(dirname(fileURLToPath(import.meta.url))), "build/node/delivery-thread.js");
  return existsSync(path) ? path : null;
}

export function createDeliveryThread(options: DeliveryThreadOptions): DeliveryWorker {
  const found = options.entry ?? deliveryThreadEntry();
  if (!found) throw new Error("build/node/delivery-thread.js is missing: run `npm run build`");
  const entry: string = found;
  const baseRestartMs = options.restartAfterMs ?? 1_000;
  let thread: Worker | null = null;
  let exited: Promise<void> = Promise.resolve();
  let started = false;
  let stopping = false;
  let restartDelayMs = baseRestartMs;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  let wakePending = false;
  // Why the thread is not delivering right now (health()); null while it runs or before start().
  let down: string | null = null;
  let nextRequestId = 1;
  const pendingRuns = new Map<number, { resolve(summary: RunSummary): void; reject(error: Error): void }>();

  function send(message: ToThread): void {
    thread?.postMessage(message);
  }

  function onMessage(message: FromThread): void {
    switch (message.type) {
      case "ready":
        restartDelayMs = baseRestartMs;
        down = null;
        return;
      case "failed-to-start":
        options.logger.error({ err: message.message }, "delivery thread could not start");
        down = `delivery thread could not start: ${message.message}`;
        return;
      case "delivered":
        options.metrics.recordDelivered(message.latenciesMs);
        return;
      case "meta-error":
        options.metrics.recordMetaError(message.labels);
        return;
      case "resent":
        options.metrics.recordResends(message.count);
        return;
      case "token-error-unconfirmed":
        options.metrics.recordTokenErrorUnconfirmed();
        return;
      case "stale-results":
        options.metrics.recordStaleResults(message.result, message.count);
        return;
      case "funnel-dropped":
        options.metrics.recordFunnelDropped?.(message.reason, message.count);
        return;
      case "log":
        options.logger[message.level](message.fields, message.message);
        return;
      case "shop-changed":
        options.onShopChanged(message.shop);
        return;
      case "ran-once": {
        const pending = pendingRuns.get(message.requestId);
        pendingRuns.delete(message.requestId);
        if (message.summary) pending?.resolve(message.summary);
        else pending?.reject(new Error(message.error ?? "delivery pass failed"));
        return;
      }
    }
  }

  function spawn(): void {
    const workerData: DeliveryThreadData = {
      env: options.env,
      owner: options.owner,
      tuning: options.tuning ?? {},
      webhookPressure: options.webhookPressure,
      busyThreshold: options.busyThreshold,
    };
    const current = new Worker(entry, { workerData });
    thread = current;
    current.on("message", onMessage);
    current.on("error", (error) => {
      options.logger.error({ err: error.message }, "delivery thread failed");
    });
    exited = new Promise((resolve) => {
      current.once("exit", (code) => {
        thread = null;
        for (const [id, pending] of pendingRuns) {
          pending.reject(new Error("delivery thread exited"));
          pendingRuns.delete(id);
        }
        resolve();
        if (stopping) return;
        // Rows it had leased come back after the lease; until a new thread runs, nothing is delivered but
        // nothing is lost either. Back off so a thread that cannot start does not spin.
        options.logger.error({ code, restartInMs: restartDelayMs }, "delivery thread exited; restarting");
        options.metrics.recordDeliveryThreadExit();
        down ??= `delivery thread exited with code ${code}; restarting`;
        restartTimer = setTimeout(() => {
          restartTimer = null;
          if (!stopping) spawn();
        }, restartDelayMs);
        restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, restartDelayMs * 2);
      });
    });
  }

  return {
    start() {
      if (started) return;
      started = true;
      stopping = false;
      spawn();
    },
    wake() {
      // One message per event-loop turn, however many webhooks that turn committed.
      if (wakePending || !thread) return;
      wakePending = true;
      setImmediate(() => {
        wakePending = false;
        send({ type: "wake" });
      });
    },
    health() {
      return started ? (down ?? "ok") : null;
    },
    runOnce() {
      if (!thread) return Promise.reject(new Error("delivery thread is not running"));
      const requestId = nextRequestId++;
      return new Promise<RunSummary>((resolve, reject) => {
        pendingRuns.set(requestId, { resolve, reject });
        send({ type: "run-once", requestId });
      });
    },
    async stop() {
      stopping = true;
      started = false;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const current = thread;
      if (!current) return;
      send({ type: "stop" });
      const graceMs = options.stopTimeoutMs ?? 30_000;
      const grace = setTimeout(() => {
        options.logger.warn({ afterMs: graceMs }, "delivery thread did not stop in time; terminating");
        void current.terminate();
      }, graceMs);
      await exited;
      clearTimeout(grace);
    },
  };
}
