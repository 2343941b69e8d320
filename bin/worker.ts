// `npm run worker`: a delivery worker process, apart from the web processes. Run as many as needed.
// With REDIS_URL it consumes BullMQ nudges; with or without it, its loop sweeps the outbox for due rows.
// Options (all optional): --concurrency N (BullMQ jobs at once), --lease-ms N, --poll-ms N, --batch-size N,
//   --queue-prefix P, --queue-name N (scale mode namespace; tests isolate runs with them),
//   --metrics-port N (serve GET /metrics and GET /healthz on that port; 0 picks a free one),
//   --metrics-host A (the IP address that port listens on; default METRICS_BIND_ADDRESS, itself 127.0.0.1).
import { parseArgs } from "node:util";
import { createAppContext } from "../app/context.server";
import { installGracefulShutdown } from "../app/delivery/shutdown.server";
import { ipAddress, parseEnvOrExit } from "../app/env.server";
import { startMetricsServer, type MetricsServer } from "../app/observability/metrics-server.server";

/** An integer option within [min, max], or exit 1 with one line saying what it must be. */
function intOption(name: string, value: string | undefined, min: number, max: number, mustBe: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    console.error(`Invalid option: --${name} must be ${mustBe}`);
    process.exit(1);
  }
  return parsed;
}

const positiveInt = (name: string, value: string | undefined) => intOption(name, value, 1, Number.MAX_SAFE_INTEGER, "a positive integer");
const port = (name: string, value: string | undefined) => intOption(name, value, 0, 65535, "a port number (0 picks a free one)");

/** --metrics-host, else METRICS_BIND_ADDRESS; exit 1 on a value that is not an IP address or has no port to go with. */
function metricsHost(value: string | undefined, metricsPort: number | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  // The rule METRICS_BIND_ADDRESS and BIND_ADDRESS follow.
  const parsed = ipAddress.safeParse(value);
  if (!parsed.success) {
    console.error(`Invalid option: --metrics-host ${parsed.error.issues[0]?.message} (got "${value}")`);
    process.exit(1);
  }
  if (metricsPort === undefined) {
    console.error("Invalid option: --metrics-host needs --metrics-port");
    process.exit(1);
  }
  return value;
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
      "metrics-host": { type: "string" },
    },
  });
  const config = parseEnvOrExit();
  const metricsPort = port("metrics-port", values["metrics-port"]);
  const metricsAddress = metricsHost(values["metrics-host"], metricsPort, config.METRICS_BIND_ADDRESS);
  const context = await createAppContext(config, {
    startWorker: true,
    role: "worker",
    queue: {
      name: values["queue-name"],
      prefix: values["queue-prefix"],
      concurrency: positiveInt("concurrency", values.concurrency),
    },
    // Its leases carry the composition root's owner id (role-host-pid-random, build-worker.server.ts).
    worker: {
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
  if (metricsPort !== undefined) metrics = await startMetricsServer(context, metricsPort, metricsAddress);
  await context.consumer?.ready();
  // A parent that started this process with an IPC channel (the bench, tests) learns it is taking work.
  process.send?.({ type: "ready", metricsPort: metrics?.port ?? null, metricsAddress: metrics?.address ?? null });
  context.logger.info(
    {
      pid: process.pid,
      mode: config.REDIS_URL ? "scale" : "embedded",
      engine: context.database.engine,
      metricsPort: metrics?.port ?? null,
      metricsAddress: metrics?.address ?? null,
    },
    "delivery worker started",
  );
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

await main();
