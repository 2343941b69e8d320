// `npm run worker`: a delivery worker process, apart from the web processes. Run as many as needed.
// With REDIS_URL it consumes BullMQ nudges; with or without it, its loop sweeps the outbox for due rows.
// Options (all optional): --concurrency N (BullMQ jobs at once), --lease-ms N, --poll-ms N, --batch-size N,
//   --queue-prefix P, --queue-name N (scale mode namespace; tests isolate runs with them).
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { createAppContext } from "../app/context.server";
import { installGracefulShutdown } from "../app/delivery/shutdown.server";
import { parseEnvOrExit } from "../app/env.server";

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    console.error(`Invalid option: --${name} must be a positive integer`);
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
    },
  });
  const config = parseEnvOrExit();
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
  installGracefulShutdown({ stop: context.close, logger: context.logger });
  await context.consumer?.ready();
  // A parent that started this process with an IPC channel (the bench, tests) learns it is taking work.
  process.send?.({ type: "ready" });
  context.logger.info(
    { pid: process.pid, mode: config.REDIS_URL ? "scale" : "embedded", engine: context.database.engine },
    "delivery worker started",
  );
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

await main();
