import { Worker } from "bullmq";
import { createBullmqQueue, DEFAULT_QUEUE_PREFIX, DELIVERY_QUEUE_NAME, type DeliveryNudge } from "./bullmq-queue.server";
import { SILENT_LOGGER, type DeliveryLogger } from "./ports";
import type { RunSummary } from "./run-summary";

// Scale mode's consumer side, in each worker process. A nudge job runs delivery passes until nothing is due
// (or a pass budget is spent, then it hands over to a follow-up job so other shops' jobs get a turn).
// Which rows a pass takes is decided by the outbox claim, not by the job: claims are leased with
// FOR UPDATE SKIP LOCKED and shared round-robin between shops, so duplicate jobs are harmless and a shop
// with a huge backlog cannot starve the others.

export type PassRunner = { runOnce(): Promise<RunSummary> };

export type BullmqConsumerOptions = {
  url: string;
  worker: PassRunner;
  name?: string;
  prefix?: string;
  /** Jobs this process runs at once (each is a pass over the outbox). */
  concurrency?: number;
  /** Passes one job may run before it re-queues itself. */
  maxPassesPerJob?: number;
  logger?: DeliveryLogger;
};

export type BullmqConsumer = { ready(): Promise<void>; close(): Promise<void> };

export function startBullmqConsumer(options: BullmqConsumerOptions): BullmqConsumer {
  const logger = options.logger ?? SILENT_LOGGER;
  const maxPasses = Math.max(1, options.maxPassesPerJob ?? 20);
  let stopping = false;
  const followUps = createBullmqQueue({ url: options.url, name: options.name, prefix: options.prefix });

  const bull = new Worker<DeliveryNudge>(
    options.name ?? DELIVERY_QUEUE_NAME,
    async (job) => {
      for (let pass = 0; pass < maxPasses; pass += 1) {
        // On SIGTERM the job ends after the pass in flight: its sends finish and are recorded.
        if (stopping) return;
        const summary = await options.worker.runOnce();
        if (summary.claimed === 0) return;
      }
      // Still work after the budget: queue a follow-up (kept while this job is active) rather than hold a
      // job slot for one backlog.
      await followUps.notify(job.data.shop);
    },
    {
      connection: { url: options.url, maxRetriesPerRequest: null },
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
      concurrency: Math.max(1, options.concurrency ?? 2),
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    },
  );
  bull.on("error", (error) => logger.warn({ err: error.message }, "BullMQ consumer connection error"));
  bull.on("failed", (job, error) => logger.warn({ shop: job?.data.shop, err: error.message }, "delivery job failed"));

  let closing: Promise<void> | null = null;
  return {
    async ready() {
      await bull.waitUntilReady();
    },
    close() {
      stopping = true;
      // close() stops taking jobs and waits for the active ones, i.e. for their sends to be recorded.
      closing ??= bull.close().finally(() => followUps.close());
      return closing;
    },
  };
}
