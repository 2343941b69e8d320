import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { MetaGraphClient } from "../destinations/meta/types";
import type { DeliveryLogger, DeliveryOutbox, DeliveryShops } from "./ports";
import { createDeliveryWorker, type DeliveryMetrics, type DeliveryWorker, type DeliveryWorkerOptions } from "./worker.server";
import type { DeliveryWorkerTuning } from "./worker-options";
import { emptySummary, type RunSummary } from "./run-summary";

// The one place a delivery worker is put together, wherever it runs: inline in a web process
// (app/context.server.ts), on a web process's delivery thread (bin/delivery-thread.ts), or as `npm run worker`
// (bin/worker.ts, through the same composition root). What differs is the role, never the recipe.

/** "web": a process (or its thread) that also answers Shopify; "worker": delivery is all it does. */
export type DeliveryRole = "web" | "worker";

/**
 * Rows a web process's worker claims per pass. It shares the machine (and, inline, the event loop) with the
 * webhooks Shopify waits on: it claims half a Meta batch per pass — a claim is one synchronous SQLite statement,
 * and every claimed payload stays in memory until Meta answers. 500 rows per ~100 ms round trip is still more
 * than twice the delivery budget (2,000 events/s).
 */
export const WEB_CLAIM_LIMIT = 500;

/**
 * Passes a web process's worker keeps out at once while it drains a backlog. One pass at a time moved one claim
 * per Meta round trip: at Meta's ~100 ms that is ~2,000 events/s however many shops wait, and a backlog spread
 * over many shops (funnel events) is claimed in small shares and moves slower still. Four passes keep ~2,000
 * payloads in the delivery thread's heap while Meta answers.
 */
export const WEB_PASSES_IN_FLIGHT = 4;

/**
 * Rows a web process's funnel worker claims per pass: two Meta batches. Funnel rows are claimed from their own
 * small table (decision 0034) and spread over many shops, so a claim of 500 split into many small requests, and
 * each request costs its shop lookups, two statements and an HTTP exchange whatever its size. With the web
 * role's four passes in flight, 8,000 payloads are held while Meta answers (decision 0034, Measurements).
 */
export const WEB_FUNNEL_CLAIM_LIMIT = 2000;

/**
 * How long the funnel worker lets events gather before a pass (the orders' worker: 20 ms). Shoppers' events
 * arrive one by one across many shops: at 3,000 events/s over 16 shops, 20 ms gathered ~4 events per (shop,
 * pixel), and each Meta request costs its shop lookups, its statements and an HTTP exchange on both sides
 * whatever its size. 250 ms gathers ~50 there. Not a second: a second's events sent in one burst took the
 * machine's CPU in bursts too, and the Purchase route's ack p99 beside the collector rose with them (decision
 * 0034, Measurements). Meta takes events up to 7 days old, and the browser sent its own copy at once.
 */
export const FUNNEL_COALESCE_MS = 250;

/**
 * The name a worker's leases carry: role, host, pid and a random suffix. pid alone collides across containers
 * (every container's first process is pid 1), and host + pid across a restart that reuses both.
 */
export function deliveryOwnerId(role: DeliveryRole): string {
  return `${role}-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export type DeliveryWorkerParts = {
  role: DeliveryRole;
  owner: string;
  outbox: DeliveryOutbox;
  /** The collector's funnel queue (app/db/funnel-outbox.server.ts): a second worker of the same code drains it. */
  funnelOutbox: DeliveryOutbox;
  shops: DeliveryShops;
  client: MetaGraphClient;
  logger: DeliveryLogger;
  metrics: DeliveryMetrics | null;
  /** Web role: whether the process is busy acknowledging webhooks; its worker steps aside meanwhile. */
  busyWithWebhooks?: () => boolean;
  tuning?: DeliveryWorkerTuning;
  /** Tests and benchmarks: anything else (a clock, a client, no metrics). */
  overrides?: Partial<DeliveryWorkerOptions>;
};

/**
 * Two workers of the same code under one lease owner: orders' events from `deliveries`, funnel events from their
 * queue. Each has its own loop, so a Purchase never waits behind a shop's funnel backlog, and a funnel flood
 * never delays a claim of orders (decision 0034). The orders' worker alone re-checks paused tokens.
 */
export function buildDeliveryWorker(parts: DeliveryWorkerParts): DeliveryWorker {
  const { role, owner, outbox, funnelOutbox, shops, client, logger, metrics, busyWithWebhooks, tuning, overrides } = parts;
  const shared = { shops, client, owner, logger, metrics };
  const web = role === "web" ? { yieldWhile: busyWithWebhooks, passesInFlight: WEB_PASSES_IN_FLIGHT } : {};
  const orders = createDeliveryWorker({
    ...shared,
    outbox,
    ...web,
    ...(role === "web" && { claimLimit: WEB_CLAIM_LIMIT }),
    ...tuning,
    ...overrides,
  });
  const funnel = createDeliveryWorker({
    ...shared,
    outbox: funnelOutbox,
    recheckTokens: false,
    ...web,
    ...(role === "web" && { claimLimit: WEB_FUNNEL_CLAIM_LIMIT }),
    coalesceMs: FUNNEL_COALESCE_MS,
    ...tuning,
    ...overrides,
  });
  return pairWorkers(orders, funnel);
}

/** One worker to its callers: started, woken and stopped together; a pass of each, summed. */
export function pairWorkers(orders: DeliveryWorker, funnel: DeliveryWorker): DeliveryWorker {
  return {
    async runOnce() {
      const [a, b] = await Promise.all([orders.runOnce(), funnel.runOnce()]);
      const sum = emptySummary();
      for (const key of Object.keys(sum) as (keyof RunSummary)[]) sum[key] = a[key] + b[key];
      return sum;
    },
    start() {
      orders.start();
      funnel.start();
    },
    async stop() {
      await Promise.all([orders.stop(), funnel.stop()]);
    },
    wake() {
      orders.wake();
      funnel.wake();
    },
    ...(orders.health && { health: orders.health }),
  };
}
