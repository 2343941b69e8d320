import { parentPort, workerData } from "node:worker_threads";
import { encryptionKeys } from "../app/env.server";
import { openDatabase, type Database } from "../app/db/connection.server";
import { createShopStore } from "../app/db/shops.server";
import { createOutbox } from "../app/db/outbox.server";
import { createMetaGraphClient } from "../app/destinations/meta/graph-client.server";
import { readWebhookPressure } from "../app/webhooks/webhook-pressure.server";
import type { DeliveryMetrics, DeliveryWorker } from "../app/delivery/worker.server";
import { buildDeliveryWorker } from "../app/delivery/build-worker.server";
import { createFunnelOutbox } from "../app/db/funnel-outbox.server";
import type { DeliveryLogger } from "../app/delivery/ports";
import { startRetentionSchedule, type RetentionSchedule } from "../app/maintenance/schedule.server";
import type { DeliveryThreadData, FromThread, LogLevel, ToThread } from "../app/delivery/thread/protocol";
import { errorMessage } from "../app/lib/error-message";

// The embedded web process's delivery worker, on a thread of its own (compiled to build/node/delivery-thread.js;
// decision 0010). Claiming, building Meta batches, holding payloads while Meta answers and recording the
// outcome all happen here, on this thread's event loop and heap, so none of it delays or garbage-collects on
// the event loop that acknowledges Shopify's webhooks. The row in the database stays the truth: this thread
// can die at any moment and its leased rows come back to whoever claims next.

if (!parentPort) throw new Error("bin/delivery-thread runs as a worker thread");
const port = parentPort;
const data = workerData as DeliveryThreadData;

function post(message: FromThread): void {
  port.postMessage(message);
}

function forwardingLogger(): DeliveryLogger {
  const at = (level: LogLevel) => (fields: Record<string, unknown>, message: string) => post({ type: "log", level, fields, message });
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

const metrics: DeliveryMetrics = {
  recordDelivered(latenciesMs) {
    if (latenciesMs.length > 0) post({ type: "delivered", latenciesMs });
  },
  recordMetaError(labels) {
    post({ type: "meta-error", labels });
  },
  recordResends(count) {
    if (count > 0) post({ type: "resent", count });
  },
  recordTokenErrorUnconfirmed() {
    post({ type: "token-error-unconfirmed" });
  },
  recordStaleResults(result, count) {
    if (count > 0) post({ type: "stale-results", result, count });
  },
};

let database: Database;
let worker: DeliveryWorker;
let maintenance: RetentionSchedule;
try {
  // The web process has migrated already; its connection runs the checkpoint thread for the file.
  database = await openDatabase(data.env.DATABASE_URL, { migrate: false, checkpointThread: false });
  const shops = createShopStore(database, encryptionKeys(data.env));
  // Pausing a shop (bad token) is a shop write: the web process's configuration cache must hear of it.
  shops.onChange((shop) => post({ type: "shop-changed", shop }));
  const { clientTimeoutMs, ...tuning } = data.tuning;
  worker = buildDeliveryWorker({
    role: "web",
    owner: data.owner,
    outbox: createOutbox(database),
    funnelOutbox: createFunnelOutbox(database),
    shops,
    client: createMetaGraphClient({ baseUrl: data.env.META_GRAPH_URL, version: data.env.META_GRAPH_VERSION, timeoutMs: clientTimeoutMs }),
    logger: forwardingLogger(),
    metrics,
    busyWithWebhooks: readWebhookPressure(data.webhookPressure, data.busyThreshold),
    tuning,
  });
  // Retention and queued bulk jobs (decision 0020) run here as well, on this thread's connection: their
  // chunks never run on the event loop that answers Shopify, and they pause while webhooks are in flight.
  const outbox = createOutbox(database);
  maintenance = startRetentionSchedule(
    {
      database,
      outbox,
      shops,
      queue: { notify: async () => worker.wake() },
      logger: forwardingLogger(),
      env: data.env,
      metrics: { recordFunnelDropped: (reason, count) => post({ type: "funnel-dropped", reason, count }) },
    },
    { owner: data.owner, yieldWhile: readWebhookPressure(data.webhookPressure, data.busyThreshold) },
  );
} catch (error) {
  post({ type: "failed-to-start", message: errorMessage(error) });
  process.exit(1);
}

port.on("message", (message: ToThread) => {
  switch (message.type) {
    case "wake":
      worker.wake();
      return;
    case "run-once":
      worker.runOnce().then(
        (summary) => post({ type: "ran-once", requestId: message.requestId, summary }),
        (error: unknown) => post({ type: "ran-once", requestId: message.requestId, summary: null, error: String(error) }),
      );
      return;
    case "stop":
      // In-flight sends finish and are recorded before the connection closes (the graceful path of SIGTERM);
      // closing the port then lets the thread end, which the web process awaits as its exit.
      void maintenance
        .stop()
        .then(() => worker.stop())
        .then(() => database.close())
        .finally(() => port.close());
      return;
  }
});

worker.start();
post({ type: "ready" });
