// `npm run worker`: a delivery worker process, apart from the web processes. Run as many as needed.
// With REDIS_URL it consumes BullMQ nudges; with or without it, its loop sweeps the outbox for due rows.
// Options (all optional): --concurrency N (BullMQ jobs at once), --lease-ms N, --poll-ms N, --batch-size N,
//   --queue-prefix P, --queue-name N (scale mode namespace; tests isolate runs with them),
//   --metrics-port N (serve GET /metrics and GET /healthz on that port; 0 picks a free one).
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { createAppContext } from "../app/context.server";
import { installGracefulShutdown } from "../app/delivery/shutdown.server";
import { parseEnvOrExit } from "../app/env.server";
import { startMetricsServer, type MetricsServer } from "../app/observability/metrics-server.server";

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    console.error(`Invalid option: --${name} must be a positive integer`);
    process.exit(1);
  }
  return parsed;
}

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    console.error(`Invalid option: --${name} must be a port number (0 picks a free one)`);
    process.exit(1);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: "string" },
      "lease-ms": { type: "string" },
      "poll-ms": { type: "string" },
      "batch-size": { type: "string" },
      "queue-prefix": { type: "string" },
      "queue-name": { type: "string" },
      "metrics-port": { type: "string" },
    },
  });
  const config = parseEnvOrExit();
  const metricsPort = port("metrics-port", values["metrics-port"]);
  const context = await createAppContext(config, {
    startWorker: true,
    role: "worker",
    queue: {
      name: values["queue-name"],
      prefix: values["queue-prefix"],
      concurrency: positiveInt("concurrency", values.concurrency),
    },
    worker: {
      owner: `worker-${hostname()}-${process.pid}`,
      ...defined({
        leaseMs: positiveInt("lease-ms", values["lease-ms"]),
        pollIntervalMs: positiveInt("poll-ms", values["poll-ms"]),
        batchSize: positiveInt("batch-size", values["batch-size"]),
      }),
    },
  });
  let metrics: MetricsServer | null = null;
  installGracefulShutdown({
    // Scrapes keep answering while in-flight sends finish; the port closes last.
    stop: async () => {
      await context.close();
      await metrics?.close();
    },
    logger: context.logger,
  });
  if (metricsPort !== undefined) metrics = await startMetricsServer(context, metricsPort);
  await context.consumer?.ready();
  // A parent that started this process with an IPC channel (the bench, tests) learns it is taking work.
  process.send?.({ type: "ready", metricsPort: metrics?.port ?? null });
  context.logger.info(
    { pid: process.pid, mode: config.REDIS_URL ? "scale" : "embedded", engine: context.database.engine, metricsPort: metrics?.port ?? null },
    "delivery worker started",
  );
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

await main();
