import { randomBytes } from "node:crypto";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import type { LoadJob, LoadResult } from "./load-protocol";
import { fillOutbox } from "./fill-outbox";
import { runLoad, type AppProcess } from "./processes";
import { percentile } from "./stats";

// The measurements themselves; bench.ts decides which to run against which process.

export const SECRET = "bench-app-secret";
export type BenchShop = { shop: string; pixelId: string; token: string };

export function benchShops(count: number): BenchShop[] {
  return Array.from({ length: count }, (_, i) => ({
    shop: `bench-${i + 1}.myshopify.com`,
    pixelId: `90000000000000${i + 1}`,
    token: `EAABenchToken${i + 1}xyz`,
  }));
}

/** The environment of the app and worker processes the bench starts: production mode, Meta = the simulator. */
export function benchAppEnv(metaGraphUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "http://localhost",
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    META_GRAPH_URL: metaGraphUrl,
    LOG_LEVEL: "silent",
    // One proxy in front, as behind a load balancer: the collector load gives each shopper its own address in
    // X-Forwarded-For, so the per-client limit sees shoppers, not the one loopback address.
    TRUST_PROXY: "1",
  };
}

let nextOrder = 1;
/** Order numbers never repeat within a run, so every webhook is a new order. */
function reserveOrders(count: number): number {
  const first = nextOrder;
  nextOrder += count;
  return first;
}

export type AckFigures = { p50: number; p99: number; perSec: number; ok: number; failed: number; result: LoadResult };
/** How a phase loads the server: on a schedule (open) or with N requests in flight (closed), for a time. */
export type AckLoad = { mode: "open"; ratePerSec: number; durationMs: number } | { mode: "closed"; concurrency: number; durationMs: number };

export async function measureAcks(
  port: number,
  shops: readonly BenchShop[],
  load: AckLoad,
): Promise<AckFigures> {
  // Closed loop: enough prepared bodies for 3,000/s; the run ends at the time limit or when they run out.
  const maxCount = Math.ceil(((load.mode === "open" ? load.ratePerSec : 3000) * load.durationMs) / 1000);
  const job: LoadJob = {
    baseUrl: `http://127.0.0.1:${port}`,
    secret: SECRET,
    path: "/webhooks/orders/paid",
    shops: shops.map((s) => s.shop),
    firstOrder: reserveOrders(maxCount),
    maxCount,
    ...load,
  };
  return ackFiguresOf(await runLoad(job));
}

/** A load run's ack figures: latency percentiles and accepted requests per second. */
export function ackFiguresOf(result: LoadResult): AckFigures {
  return {
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    perSec: (result.ok * 1000) / result.elapsedMs,
    ok: result.ok,
    failed: result.failed,
    result,
  };
}

type Counts = Record<string, number>;

export async function waitForDrain(app: AppProcess, timeoutMs: number): Promise<Counts> {
  const deadline = Date.now() + timeoutMs;
  let counts = (await app.call({ type: "counts" })) as Counts;
  while ((counts.pending ?? 0) + (counts.retrying ?? 0) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    counts = (await app.call({ type: "counts" })) as Counts;
  }
  return counts;
}

export type LagFigures = { p50: number; p99: number; delivered: number; expected: number };

/** Webhook sent (load generator's clock) → event accepted (simulator's receivedAtMs), same machine clock. */
export function endToEndLag(sim: MetaSimulator, sentAt: ReadonlyArray<[string, number]>): LagFigures {
  const sent = new Map(sentAt);
  const lags: number[] = [];
  for (const accepted of sim.accepted) {
    const id = accepted.event.event_id;
    const at = typeof id === "string" ? sent.get(id) : undefined;
    if (at !== undefined) lags.push(accepted.receivedAtMs - at);
  }
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), delivered: lags.length, expected: sent.size };
}

export type DeliveryFigures = { events: number; seconds: number; perSec: number };

/** A backlog of `perShop` due events per shop, delivered by the app's inline worker against Meta's latency. */
export async function measureDelivery(
  app: AppProcess,
  sim: MetaSimulator,
  databaseUrl: string,
  shops: readonly BenchShop[],
  perShop: number,
  timeoutMs: number,
): Promise<DeliveryFigures> {
  await app.call({ type: "pause-worker" });
  const before = ((await app.call({ type: "counts" })) as Counts).sent ?? 0;
  const inserted = await fillOutbox(databaseUrl, shops, perShop, reserveOrders(perShop * shops.length));
  const acceptedBefore = sim.accepted.length;
  const started = performance.now();
  await app.call({ type: "resume-worker" });
  // Timed by Meta's side (the simulator's ledger), so the app is not polled while it works; its own
  // bookkeeping is checked once afterwards.
  const deadline = Date.now() + timeoutMs;
  while (sim.accepted.length - acceptedBefore < inserted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const counts = await waitForDrain(app, timeoutMs);
  const events = (counts.sent ?? 0) - before;
  if (events !== inserted) console.warn(`delivery: ${events} of ${inserted} sent within the time limit`);
  return { events, seconds, perSec: events / seconds };
}
