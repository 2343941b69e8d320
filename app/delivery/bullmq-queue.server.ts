import { Queue } from "bullmq";
import { SILENT_LOGGER, type DeliveryLogger } from "./ports";
import type { DeliveryQueue } from "./queue";
import { errorMessage } from "../lib/error-message";

// Scale mode's producer side: a webhook that inserted rows adds a "shop has work" job to BullMQ, and some
// worker process picks it up. The job is only a nudge — the outbox row is the truth, workers claim rows
// from the database, and a periodic sweep in every worker finds rows whose nudge Redis lost.

export const DELIVERY_QUEUE_NAME = "tandem-delivery";
export const DELIVERY_JOB = "deliver";
export const DEFAULT_QUEUE_PREFIX = "tandem";
const PING_TIMEOUT_MS = 1_000;
// A webhook waits for the nudge; a Redis outage must cost it at most this much.
const NOTIFY_TIMEOUT_MS = 500;

export type DeliveryNudge = { shop: string };

export type BullmqQueueOptions = {
  url: string;
  /** Queue name and key prefix; tests give each suite its own so runs never see each other's jobs. */
  name?: string;
  prefix?: string;
  logger?: DeliveryLogger;
};

export type BullmqDeliveryQueue = DeliveryQueue & { ping(): Promise<void>; readonly bull: Queue<DeliveryNudge> };

export function createBullmqQueue(options: BullmqQueueOptions): BullmqDeliveryQueue {
  const bull = new Queue<DeliveryNudge>(options.name ?? DELIVERY_QUEUE_NAME, {
    // A web request must not hang on a Redis outage: fail the add fast and let the sweep deliver instead.
    connection: { url: options.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
  });
  // ioredis reports connection trouble as events; without a listener Node treats them as crashes.
  bull.on("error", () => {});
  let closing: Promise<void> | null = null;
  const logger = options.logger ?? SILENT_LOGGER;
  // Under load many webhooks for one shop notify at once. While an add for that shop is in flight, further
  // calls only ask for one more add after it — issued after their rows were committed, so none is lost —
  // and share its promise: Redis sees about two adds per round trip instead of one per webhook.
  const inFlight = new Map<string, { again: boolean; done: Promise<void> }>();

  return {
    bull,
    notify(shop) {
      if (closing) return Promise.resolve();
      return coalesce(shop);
    },
    async ping() {
      await withTimeout(bull.getJobCounts("waiting"), PING_TIMEOUT_MS, "Redis did not answer");
    },
    close() {
      // Let nudges already on their way reach Redis first.
      closing ??= Promise.allSettled([...inFlight.values()].map((state) => state.done)).then(() => bull.close());
      return closing;
    },
  };

  function coalesce(shop: string): Promise<void> {
    const current = inFlight.get(shop);
    if (current) {
      current.again = true;
      return current.done;
    }
    const state = { again: false, done: Promise.resolve() };
    inFlight.set(shop, state);
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await withTimeout(addNudge(shop), NOTIFY_TIMEOUT_MS, "Redis did not take the nudge");
        } while (state.again && !closing);
      } catch (error) {
        // The rows are committed; a worker's sweep delivers them without the nudge. Failing the webhook
        // here would only make Shopify resend an order we already hold.
        logger.warn({ shop, err: errorMessage(error) }, "delivery nudge not queued");
      } finally {
        inFlight.delete(shop);
      }
    })();
    return state.done;
  }

  async function addNudge(shop: string): Promise<void> {
    // One waiting job per shop is enough (the worker claims every due row of that shop and more), and a
    // nudge that arrives while the shop's job runs is kept as one follow-up job, so none is lost and a
    // busy shop never queues thousands of jobs ahead of a quiet one.
    await bull.add(
      DELIVERY_JOB,
      { shop },
      {
        deduplication: { id: `shop:${shop}`, keepLastIfActive: true },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
