import { type Env, encryptionKeys, env } from "./env.server";
import { createLogger, type Logger } from "./logger.server";
import { openDatabase, type Database } from "./db/connection.server";
import { createShopStore } from "./db/shops.server";
import { createOutbox } from "./db/outbox.server";
import { createWebhookReceipts } from "./db/webhook-receipts.server";
import { KyselySessionStorage } from "./db/session-storage.server";
import { createMetaGraphClient } from "./destinations/meta/graph-client.server";
import { createDeliveryWorker } from "./delivery/worker.server";
import { createEmbeddedQueue, type DeliveryQueue } from "./delivery/queue";

// Everything a request handler or the worker needs, built once per process from the parsed environment.
// Tests build their own with createAppContext() and install it with setAppContext().

export type AppContext = Awaited<ReturnType<typeof createAppContext>>;

export type AppContextOptions = {
  logger?: Logger;
  /** Start the in-process worker (WORKER=inline). */
  startWorker?: boolean;
  /** Overrides for tests and benchmarks. */
  worker?: Partial<Parameters<typeof createDeliveryWorker>[0]>;
};

export async function createAppContext(config: Env, options: AppContextOptions = {}) {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const database: Database = await openDatabase(config.DATABASE_URL);
  const keys = encryptionKeys(config);
  const shops = createShopStore(database, keys);
  const outbox = createOutbox(database);
  const receipts = createWebhookReceipts(database);
  const sessionStorage = new KyselySessionStorage(database, keys);
  const client = createMetaGraphClient({ baseUrl: config.META_GRAPH_URL, version: config.META_GRAPH_VERSION });
  const worker = createDeliveryWorker({
    outbox,
    shops,
    client,
    owner: `web-${process.pid}`,
    logger,
    ...options.worker,
  });
  const queue: DeliveryQueue = createEmbeddedQueue(worker);
  if (options.startWorker ?? config.WORKER === "inline") worker.start();

  async function close(): Promise<void> {
    await worker.stop();
    await queue.close();
    await database.close();
  }

  return { env: config, logger, database, shops, outbox, receipts, sessionStorage, client, worker, queue, close };
}

let current: Promise<AppContext> | undefined;

export function getAppContext(): Promise<AppContext> {
  current ??= createAppContext(env());
  return current;
}

export function setAppContext(context: AppContext | undefined): void {
  current = context ? Promise.resolve(context) : undefined;
}

export async function closeAppContext(): Promise<void> {
  if (!current) return;
  const context = await current;
  current = undefined;
  await context.close();
}
