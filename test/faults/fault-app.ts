import { createAppContext, type AppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { createMetaGraphClient } from "../../app/destinations/meta/graph-client.server";
import { configureShop } from "../../app/shops/configure-shop.server";
import { ingestPaidOrder } from "../../app/webhooks/ingest-paid-order.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "../db/support";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { bullmqNamespace, TEST_REDIS_URL, type BullmqNamespace } from "../scale/bullmq-namespace";

// The real app in either mode, with only Meta simulated:
// - embedded: SQLite file, the web process's delivery thread, embedded queue;
// - scale: PostgreSQL + BullMQ on Redis, a web context (no worker) and separate worker contexts, as
//   `npm start` and `npm run worker` would be; each test has its own database and queue namespace.
// Retry backoff and the client timeout are shortened so faults play out in about a second.

export type Mode = "embedded" | "scale";
export const MODES: readonly Mode[] = ["embedded", "scale"];
export const SHOP = "fault-shop.myshopify.com";
export const OTHER_SHOP = "quiet-shop.myshopify.com";
export const PIXEL = "333333333333333";
export const OTHER_PIXEL = "444444444444444";
export const TOKEN = "EAAB-fault-token";
export const OTHER_TOKEN = "EAAB-quiet-token";
export const GRAPH_VERSION = "v26.0";
const INGEST_CONCURRENCY = 20;
// A paused shop's token is asked about again after 300 ms, doubling to 1 s (5 min to 6 h in production).
const TOKEN_RECHECK = { firstMs: 300, capMs: 1_000, scanMs: 100 };

export type FaultApp = {
  mode: Mode;
  sim: MetaSimulator;
  /** Receives webhooks and configuration; in scale mode it runs no worker. */
  web: AppContext;
  databaseUrl: string;
  namespace: BullmqNamespace | null;
  startWorkers(count?: number): Promise<void>;
  /** `receivedAtMs`: when the webhooks arrived (default now), for rows that have waited in the outbox. */
  ingest(from: number, count: number, shop?: string, overrides?: Record<string, unknown>, receivedAtMs?: number): Promise<void>;
  statusCounts(shop?: string): Promise<Record<string, number>>;
  close(): Promise<void>;
};

export type FaultAppOptions = { clientTimeoutMs?: number; pollIntervalMs?: number };

export async function startFaultApp(mode: Mode, options: FaultAppOptions = {}): Promise<FaultApp> {
  const sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN, [OTHER_PIXEL]: OTHER_TOKEN } });
  const testDb: TestDatabase = mode === "scale" ? await openTestPostgres() : await openTestSqlite();
  const namespace = mode === "scale" ? bullmqNamespace() : null;
  const config = parseEnv({
    ...process.env,
    DATABASE_URL: testDb.url,
    META_GRAPH_URL: sim.url,
    META_GRAPH_VERSION: GRAPH_VERSION,
    WORKER: "off",
    ...(namespace ? { REDIS_URL: TEST_REDIS_URL } : {}),
  });
  const queue = namespace ? { name: namespace.name, prefix: namespace.prefix } : undefined;
  const workerOptions = (owner: string) => ({
    owner,
    client: createMetaGraphClient({ baseUrl: sim.url, version: GRAPH_VERSION, timeoutMs: options.clientTimeoutMs ?? 800 }),
    pollIntervalMs: options.pollIntervalMs ?? (mode === "scale" ? 250 : 100),
    leaseMs: 10_000,
    retry: { baseMs: 100, capMs: 400 },
    tokenRecheck: TOKEN_RECHECK,
  });
  // Embedded mode delivers from the web process's delivery thread, as `npm start` does (decision 0010); the
  // same shortened timings reach it as plain numbers.
  const threadTuning = {
    clientTimeoutMs: options.clientTimeoutMs ?? 800,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    leaseMs: 10_000,
    retry: { baseMs: 100, capMs: 400 },
    tokenRecheck: TOKEN_RECHECK,
  };
  const web = await createAppContext(config, {
    startWorker: false,
    queue,
    worker: workerOptions("web"),
    ...(mode === "embedded" && { deliveryThread: threadTuning }),
  });
  const workers: AppContext[] = [];

  async function startWorkers(count = mode === "scale" ? 2 : 1): Promise<void> {
    if (mode === "embedded") {
      web.worker.start();
      return;
    }
    for (let i = 0; i < count; i += 1) {
      workers.push(await createAppContext(config, { startWorker: true, queue, worker: workerOptions(`worker-${i}`) }));
    }
  }

  for (const [shop, pixel, token] of [
    [SHOP, PIXEL, TOKEN],
    [OTHER_SHOP, OTHER_PIXEL, OTHER_TOKEN],
  ] as const) {
    await configureShop(web, shop, { pixelIds: [pixel], accessToken: token }, Date.now());
  }

  return {
    mode,
    sim,
    web,
    databaseUrl: testDb.url,
    namespace,
    startWorkers,
    async ingest(from, count, shop = SHOP, overrides = {}, receivedAtMs) {
      // Paid a minute before its webhook arrived: well inside Meta's 7-day window at that moment.
      const processedAt = new Date((receivedAtMs ?? Date.now()) - 60_000).toISOString();
      // A few at a time, as concurrent webhook requests would arrive.
      for (let start = from; start < from + count; start += INGEST_CONCURRENCY) {
        const end = Math.min(from + count, start + INGEST_CONCURRENCY);
        await Promise.all(
          Array.from({ length: end - start }, (_, i) => {
            const n = start + i;
            const payload = numberedOrder(n, { processed_at: processedAt, ...overrides });
            return ingestPaidOrder(web, { shop, webhookId: `wh-${shop}-${n}`, payload, nowMs: receivedAtMs ?? Date.now() });
          }),
        );
      }
    },
    async statusCounts(shop) {
      const counts = await web.outbox.countByStatus(shop);
      return Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
    },
    async close() {
      for (const worker of workers) await worker.close();
      await web.close();
      await namespace?.drop();
      await sim.close();
      await testDb.cleanup();
    },
  };
}
