import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { StaleResult } from "../delivery/ports";

// One Prometheus registry per process, built by the composition root and passed down (Services.metrics).
// Labels are low-cardinality on purpose: no shop, order or event ids (those belong in logs), so a shop count
// in the thousands cannot blow up the scrape.

export const DELIVERY_LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];
export const ACK_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export type Metrics = ReturnType<typeof createMetrics>;

export type MetaErrorLabels = { errorClass: string; code: number | null; httpStatus: number | null };

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "tandem_" });

  const webhooks = new Counter({
    name: "tandem_webhooks_total",
    help: "Webhooks answered, by topic and result (queued, held, skipped, invalid, duplicate_delivery, unauthorized, ...).",
    labelNames: ["topic", "result"] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: "tandem_webhook_ack_seconds",
    help: "Time from the webhook request reaching the route to its answer.",
    labelNames: ["topic"] as const,
    buckets: ACK_BUCKETS_S,
    registers: [registry],
  });
  const outboxDepth = new Gauge({
    name: "tandem_outbox_depth",
    help: "Outbox rows by status, counted from the database at scrape time, each up to 10,000 (at 10,000, read: at least).",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const deliveryLatency = new Histogram({
    name: "tandem_delivery_latency_seconds",
    help: "Time from the outbox row being created (webhook received) to Meta accepting the event.",
    buckets: DELIVERY_LATENCY_BUCKETS_S,
    registers: [registry],
  });
  const eventsSent = new Counter({
    name: "tandem_events_sent_total",
    help: "Events Meta accepted.",
    registers: [registry],
  });
  const metaErrors = new Counter({
    name: "tandem_meta_errors_total",
    help: "Failed Graph API calls, by error class and Meta error code ('none' when Meta sent no code, e.g. a timeout).",
    labelNames: ["class", "code", "http_status"] as const,
    registers: [registry],
  });

  const resends = new Counter({
    name: "tandem_delivery_resends_total",
    help: "Events sent again after a request whose answer was lost (worker killed, lease ran out); Meta deduplicates them by event_id.",
    registers: [registry],
  });
  const tokenErrorsUnconfirmed = new Counter({
    name: "tandem_delivery_token_errors_unconfirmed_total",
    help: "Token errors from Meta that a second check did not confirm: retried with backoff instead of pausing the shop.",
    registers: [registry],
  });
  const staleResults = new Counter({
    name: "tandem_delivery_stale_results_total",
    help: "Delivery results dropped because the worker's lease had run out and the rows were another worker's or finished (decision 0036), by the mark dropped (retrying, dead, needs_attention, sending, release). A sent result is never dropped.",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const funnelDropped = new Counter({
    name: "tandem_funnel_events_dropped_total",
    help: "Funnel events (one per pixel) given up because their shop's backlog was over FUNNEL_BACKLOG_MAX: backlog (oldest unsent dropped by maintenance), backlog_full (refused by the collector). Purchases are never dropped.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const deliveryThreadExits = new Counter({
    name: "tandem_delivery_thread_exits_total",
    help: "Times the embedded web process's delivery thread ended unexpectedly (it is restarted with backoff).",
    registers: [registry],
  });

  const abortedRequests = new Counter({
    name: "tandem_http_aborted_requests_total",
    help: "Requests whose client went away before the answer (counted, not logged: anyone can abort a request).",
    registers: [registry],
  });
  const intakeRefused = new Counter({
    name: "tandem_webhook_intake_refused_total",
    help: "Webhook requests answered before their body was read or kept, by reason (bad_signature_header, bad_headers, too_large, over_budget, body_timeout).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  let readIntakeBytes: () => number = () => 0;
  new Gauge({
    name: "tandem_webhook_intake_bytes",
    help: "Webhook body bytes reserved in the intake budget right now.",
    registers: [registry],
    collect() {
      this.set(readIntakeBytes());
    },
  });

  return {
    registry,
    recordAbortedRequest(): void {
      abortedRequests.inc();
    },
    recordIntakeRefused(reason: string): void {
      intakeRefused.inc({ reason });
    },
    /** Read at scrape time from whoever owns the budget (the HTTP server). */
    watchIntakeBytes(read: () => number): void {
      readIntakeBytes = read;
    },
    recordDeliveryThreadExit(): void {
      deliveryThreadExits.inc();
    },
    recordWebhook(topic: string, result: string, seconds?: number): void {
      webhooks.inc({ topic, result });
      if (seconds !== undefined) ackSeconds.observe({ topic }, seconds);
    },
    recordDelivered(latenciesMs: readonly number[]): void {
      eventsSent.inc(latenciesMs.length);
      for (const ms of latenciesMs) deliveryLatency.observe(Math.max(0, ms) / 1000);
    },
    recordResends(count: number): void {
      if (count > 0) resends.inc(count);
    },
    recordStaleResults(result: StaleResult, count: number): void {
      if (count > 0) staleResults.inc({ result }, count);
    },
    recordFunnelDropped(reason: string, count: number): void {
      if (count > 0) funnelDropped.inc({ reason }, count);
    },
    recordTokenErrorUnconfirmed(): void {
      tokenErrorsUnconfirmed.inc();
    },
    recordMetaError({ errorClass, code, httpStatus }: MetaErrorLabels): void {
      metaErrors.inc({ class: errorClass, code: code === null ? "none" : String(code), http_status: httpStatus === null ? "none" : String(httpStatus) });
    },
    setOutboxDepth(counts: Readonly<Record<string, number>>): void {
      for (const [status, count] of Object.entries(counts)) outboxDepth.set({ status }, count);
    },
  };
}
