import type { AlertSchedule } from "./alerts/schedule.server";
import type { AlertLog } from "./db/alerts.server";
import type { Database } from "./db/connection.server";
import type { IngestWrite } from "./db/ingest-writes.server";
import type { Outbox } from "./db/outbox.server";
import type { KyselySessionStorage } from "./db/session-storage.server";
import type { ShopStore } from "./db/shops.server";
import type { WebhookReceipts } from "./db/webhook-receipts.server";
import type { BullmqConsumer } from "./delivery/bullmq-consumer.server";
import type { DeliveryQueue } from "./delivery/queue";
import type { DeliveryWorker } from "./delivery/worker.server";
import type { MetaGraphClient } from "./destinations/meta/types";
import type { Env } from "./env.server";
import type { Logger } from "./logger.server";
import type { Metrics } from "./observability/metrics.server";
import type { ShopConfigCache } from "./shops/shop-config-cache.server";
import type { Batcher } from "./webhooks/ingest-batcher.server";

// What the composition root (app/context.server.ts) builds once per process, declared here rather than
// inferred from the function that builds it: modules take the few services they use as a parameter
// (`Pick<Services, "outbox" | "shops">`) and never import the root, so the root stays the top of the import
// graph (docs/decisions/0026). Types only — importing this file loads nothing.

export type Services = {
  env: Env;
  logger: Logger;
  database: Database;
  shops: ShopStore;
  /** Shop configuration for the webhook path, cached briefly; forgets a shop when the store changes it. */
  shopConfigs: ShopConfigCache;
  outbox: Outbox;
  receipts: WebhookReceipts;
  /** Webhook receipts + outbox rows, group-committed (true: stored; false: a re-delivery). */
  ingestWrites: Batcher<IngestWrite, boolean>;
  sessionStorage: KyselySessionStorage;
  client: MetaGraphClient;
  /** This process's registry and instruments: what `/metrics` renders. */
  metrics: Metrics;
  worker: DeliveryWorker;
  queue: DeliveryQueue;
  /** Scale mode with a worker in this process: the BullMQ consumer; otherwise null. */
  consumer: BullmqConsumer | null;
  alertLog: AlertLog;
  alerts: AlertSchedule | null;
  /** Graceful: stop taking work, let in-flight sends finish and be recorded, then close connections. */
  close(): Promise<void>;
};

/** The process's services, built on first use (routes and webhook handlers are given this, not the root). */
export type ServicesProvider<Needed extends keyof Services = keyof Services> = () => Promise<Pick<Services, Needed>>;
