import type { Env } from "../../env.server";
import type { MetaErrorLabels } from "../../observability/metrics.server";
import type { RunSummary } from "../run-summary";
import type { StaleResult } from "../ports";
import type { FunnelDropReason } from "../../maintenance/funnel-backlog.server";
import type { DeliveryWorkerTuning } from "../worker-options";

// Messages between a web process and its delivery thread (bin/delivery-thread.ts). Everything that
// crosses is plain data: the thread opens its own database connection and Meta client from the same parsed
// environment, and sends back only what the web process must own — metrics for /metrics, log lines for its
// logger, and "this shop changed" for its shop-configuration cache.

/**
 * What the thread's worker is tuned with: the worker's own tuning type (plain numbers, so all of it crosses),
 * plus the timeout of the Meta client the thread builds for itself.
 */
export type DeliveryThreadTuning = DeliveryWorkerTuning & {
  /** Per Graph API request, as MetaGraphClient's `timeoutMs`. @default the client's own */
  clientTimeoutMs?: number;
};

export type DeliveryThreadData = {
  env: Env;
  owner: string;
  tuning: DeliveryThreadTuning;
  /** Int32Array view, index 0: webhooks in flight in the web process (webhook-pressure.server.ts). */
  webhookPressure: SharedArrayBuffer;
  busyThreshold: number;
};

export type ToThread =
  | { type: "wake" }
  | { type: "run-once"; requestId: number }
  | { type: "stop" };

export type LogLevel = "info" | "warn" | "error";

export type FromThread =
  | { type: "ready" }
  | { type: "failed-to-start"; message: string }
  | { type: "delivered"; latenciesMs: readonly number[] }
  | { type: "meta-error"; labels: MetaErrorLabels }
  | { type: "resent"; count: number }
  | { type: "token-error-unconfirmed" }
  | { type: "stale-results"; result: StaleResult; count: number }
  | { type: "funnel-dropped"; reason: FunnelDropReason; count: number }
  | { type: "log"; level: LogLevel; fields: Record<string, unknown>; message: string }
  | { type: "shop-changed"; shop: string }
  | { type: "ran-once"; requestId: number; summary: RunSummary | null; error?: string };
