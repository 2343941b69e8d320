import { Counter, type Registry } from "prom-client";

// The collector's counters, in the app's metrics registry (/metrics). Outcomes and reasons are a fixed, small set
// (COLLECT_OUTCOME and the reason codes of the modules that decide): never a shop, an event id or an address.

// "shed": answered 503 unread and unwritten because webhooks pressed or the collector was at its cap (decision 0033).
export const COLLECT_OUTCOME = { accepted: "accepted", ignored: "ignored", rejected: "rejected", shed: "shed" } as const;
export type CollectOutcome = (typeof COLLECT_OUTCOME)[keyof typeof COLLECT_OUTCOME];

export type CollectorMetrics = {
  record(outcome: CollectOutcome, reason: string): void;
  /** ud[…] values dropped because they were not hashed. */
  droppedUserData(count: number): void;
};

const byRegistry = new WeakMap<object, CollectorMetrics>();

/** The collector's counters in the process's registry (Services.metrics.registry), made once per registry. */
export function collectorMetrics(registry: Registry): CollectorMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const events = new Counter({
    name: "tandem_collector_requests_total",
    help: "Collector requests by outcome (accepted, ignored, rejected, shed) and reason (e.g. stored, replay, unknown_shop, bot, rate_limited_client, stale_timestamp, bad_signature, webhook_pressure, collector_busy).",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
  });
  const dropped = new Counter({
    name: "tandem_collector_dropped_user_data_total",
    help: "Match keys a collector request sent unhashed (or under an unknown name): dropped, never stored.",
    registers: [registry],
  });
  const metrics: CollectorMetrics = {
    record: (outcome, reason) => events.inc({ outcome, reason }),
    droppedUserData: (count) => {
      if (count > 0) dropped.inc(count);
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
