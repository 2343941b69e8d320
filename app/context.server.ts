import { type Env, encryptionKeys, env } from "./env.server";
import { createLogger, type Logger } from "./logger.server";
import { isInMemoryDatabase, openDatabase, type Database } from "./db/connection.server";
import { createShopStore } from "./db/shops.server";
import { createOutbox } from "./db/outbox.server";
import { createWebhookReceipts } from "./db/webhook-receipts.server";
import { writeIngests, type IngestWrite } from "./db/ingest-writes.server";
import { createBatcher } from "./webhooks/ingest-batcher.server";
import { createShopConfigCache } from "./shops/shop-config-cache.server";
import { BUSY_WITH_WEBHOOKS, busyWithWebhooks, webhookPressureBuffer } from "./webhooks/webhook-pressure.server";
import { KyselySessionStorage } from "./db/session-storage.server";
import { createMetaGraphClient } from "./destinations/meta/graph-client.server";
import type { DeliveryWorker, DeliveryWorkerOptions } from "./delivery/worker.server";
import { createFunnelOutbox } from "./db/funnel-outbox.server";
import { buildDeliveryWorker, deliveryOwnerId, type DeliveryRole } from "./delivery/build-worker.server";
import { createDeliveryThread, deliveryThreadEntry, type DeliveryThreadTuning } from "./delivery/thread/delivery-thread.server";
import { createMetrics, type Metrics } from "./observability/metrics.server";
import { startRetentionSchedule, type RetentionSchedule } from "./maintenance/schedule.server";
import { createEmbeddedQueue, type DeliveryQueue } from "./delivery/queue";
import { createBullmqQueue } from "./delivery/bullmq-queue.server";
import { startBullmqConsumer, type BullmqConsumer } from "./delivery/bullmq-consumer.server";
import { createAlertLog } from "./db/alerts.server";
import { createAlertChecker } from "./alerts/check.server";
import { alertSender, createSmtpMailer } from "./alerts/mailer.server";
import { startAlertSchedule, type AlertSchedule } from "./alerts/schedule.server";
import type { GraphqlFn } from "./shopify/graphql-fn";
import type { Services } from "./services";

// The composition root: everything a request handler or the worker needs, built once per process from the
// parsed environment. What it builds is declared in app/services.ts; modules take the services they use as a
// parameter and never import this file — only entry points (bin/, server/, app/entry.server.tsx), routes and
// the Shopify app's configuration do (test/architecture/imports.test.ts; docs/decisions/0026).
// Tests build their own with createAppContext() and install it with setAppContext().

/** The services this root builds (the name entry points and tests have always used). */
export type AppContext = Services;

export type AppContextOptions = {
  logger?: Logger;
  /**
   * Run the delivery worker in this process (and, with REDIS_URL, consume BullMQ jobs). Default: see
   * runsInlineWorker. `npm run worker` passes true.
   */
  startWorker?: boolean;
  /** Scale mode: BullMQ queue name and key prefix (tests isolate runs with these). */
  queue?: { name?: string; prefix?: string; concurrency?: number };
  /**
   * "web" (default): a process that answers webhooks; its inline worker, if any, steps aside while webhooks
   * queue. "worker": `npm run worker`, delivery is all it does.
   */
  role?: DeliveryRole;
  /** Overrides for tests and benchmarks (in-process worker only). */
  worker?: Partial<DeliveryWorkerOptions>;
  /** The registry and instruments to record into (default: a new one for this process). */
  metrics?: Metrics;
  /**
   * Embedded mode, web role: run the inline worker on a thread of its own (delivery/thread/, decision 0010)
   * instead of this event loop. Needs the compiled thread entry; `npm start` uses it whenever it exists.
   * Tests pass shortened timings here: `worker` overrides are functions and objects, which cannot cross.
   */
  deliveryThread?: boolean | DeliveryThreadTuning;
  /**
   * Alert emails (docs/decisions/0021), checked periodically by web processes when SMTP_URL is set. `adminFor`
   * gives a shop's Admin GraphQL (default: its offline session through app/shopify/app.server.ts); false: no check.
   */
  alerts?: false | { adminFor?: (shop: string) => Promise<GraphqlFn>; intervalMs?: number; firstDelayMs?: number };
};

/** A shop's Admin GraphQL through its offline session; loaded late, so scripts that never alert skip the Shopify app. */
async function offlineAdmin(shop: string): Promise<GraphqlFn> {
  const { unauthenticated } = await import("./shopify/app.server");
  const { admin } = await unauthenticated.admin(shop);
  return (query, options) => admin.graphql(query, options);
}

export async function createAppContext(config: Env, options: AppContextOptions = {}): Promise<Services> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = options.metrics ?? createMetrics();
  const database: Database = await openDatabase(config.DATABASE_URL);
  const keys = encryptionKeys(config);
  const shops = createShopStore(database, keys);
  const outbox = createOutbox(database);
  const receipts = createWebhookReceipts(database);
  // The webhook path: shop configuration cached briefly, receipts + rows group-committed.
  const shopConfigs = createShopConfigCache(shops);
  shops.onChange((shop) => shopConfigs.forget(shop));
  const ingestWrites = createBatcher((writes: readonly IngestWrite[]) => writeIngests(database, writes, Date.now()));
  const sessionStorage = new KyselySessionStorage(database, keys);
  const client = createMetaGraphClient({ baseUrl: config.META_GRAPH_URL, version: config.META_GRAPH_VERSION });
  const redisUrl = config.REDIS_URL;
  const role = options.role ?? "web";
  const owner = deliveryOwnerId(role);
  // An in-memory database cannot be shared with a thread's connection: that worker stays in-process.
  const deliveryThreadMode = Boolean(options.deliveryThread) && !redisUrl && role === "web" && !isInMemoryDatabase(config.DATABASE_URL);
  const worker: DeliveryWorker = deliveryThreadMode
    ? createDeliveryThread({
        env: config,
        owner,
        tuning: typeof options.deliveryThread === "object" ? options.deliveryThread : {},
        webhookPressure: webhookPressureBuffer(),
        busyThreshold: BUSY_WITH_WEBHOOKS,
        logger,
        metrics,
        onShopChanged: (shop) => shopConfigs.forget(shop),
      })
    : buildDeliveryWorker({ role, owner, outbox, funnelOutbox: createFunnelOutbox(database), shops, client, logger, metrics, busyWithWebhooks, overrides: options.worker });
  const queue: DeliveryQueue = redisUrl
    ? createBullmqQueue({ url: redisUrl, name: options.queue?.name, prefix: options.queue?.prefix, logger })
    : createEmbeddedQueue(worker);
  const runWorker = options.startWorker ?? config.WORKER === "inline";
  let consumer: BullmqConsumer | null = null;
  let retention: RetentionSchedule | null = null;
  if (runWorker) {
    // The worker's own loop doubles as scale mode's sweep: it finds due rows whose job Redis lost.
    worker.start();
    if (redisUrl) {
      consumer = startBullmqConsumer({ url: redisUrl, worker, logger, ...options.queue });
    }
    // Retention runs where the worker runs: hashed payloads after RETENTION_PAYLOAD_DAYS, rows after
    // RETENTION_METADATA_DAYS. Idempotent, so several worker hosts running it is harmless.
    // Queued bulk jobs (redactions, data requests, redrives) run here too, in chunks (decision 0020). With a
    // delivery thread, the thread runs all of it on its own connection instead (bin/delivery-thread.ts).
    if (!deliveryThreadMode) {
      retention = startRetentionSchedule({ database, outbox, logger, env: config, shops, queue, metrics }, { owner, yieldWhile: role === "web" ? busyWithWebhooks : undefined });
    }
  }

  // Alerts run in web processes only, off the webhook path: the check waits while webhooks queue.
  const alertLog = createAlertLog(database);
  let alerts: AlertSchedule | null = null;
  if (config.SMTP_URL !== undefined && role === "web" && options.alerts !== false) {
    const mailer = createSmtpMailer({ smtpUrl: config.SMTP_URL, from: alertSender(config.ALERT_FROM, config.SHOPIFY_APP_URL) });
    const checker = createAlertChecker({
      shops,
      outbox,
      alertLog,
      mailer,
      logger,
      adminFor: options.alerts?.adminFor ?? offlineAdmin,
      apiKey: config.SHOPIFY_API_KEY,
      busy: busyWithWebhooks,
    });
    alerts = startAlertSchedule(checker, logger, { ...options.alerts, onClose: () => mailer.close() });
  }

  // Graceful: stop taking jobs and claiming rows, let in-flight sends finish and be recorded, then close.
  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= (async () => {
      await retention?.stop();
      await alerts?.stop();
      await ingestWrites.drain();
      await consumer?.close();
      await worker.stop();
      await queue.close();
      await database.close();
    })();
    return closing;
  }

  return { env: config, logger, database, shops, shopConfigs, outbox, receipts, ingestWrites, sessionStorage, client, metrics, worker, queue, consumer, alertLog, alerts, close };
}

let current: Promise<Services> | undefined;

/** This process's services, built on first use. */
export function getAppContext(): Promise<Services> {
  const config = env();
  current ??= createAppContext(config, {
    startWorker: runsInlineWorker(config, process.env.WORKER),
    // Vite's dev server runs the app from source: a thread entry built earlier would be stale code.
    deliveryThread: import.meta.env?.DEV !== true && deliveryThreadEntry() !== null,
  });
  return current;
}

/**
 * Whether a web process runs the delivery worker. Embedded mode: yes unless WORKER=off. Scale mode
 * (REDIS_URL set): only when WORKER=inline is set explicitly — work belongs to `npm run worker` processes.
 * The parsed env defaults WORKER to inline, so the raw value is what tells "explicit" apart.
 */
export function runsInlineWorker(config: Env, rawWorker: string | undefined): boolean {
  if (config.WORKER === "off") return false;
  return config.REDIS_URL === undefined || rawWorker === "inline";
}

export function setAppContext(context: Services | undefined): void {
  current = context ? Promise.resolve(context) : undefined;
}

export async function closeAppContext(): Promise<void> {
  if (!current) return;
  const context = await current;
  current = undefined;
  await context.close();
}
