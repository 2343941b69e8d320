import type { MetaGraphClient } from "../destinations/meta/types";
import { getMetrics, type Metrics } from "../observability/metrics.server";
import { instrumentDeliveryOutbox } from "../observability/instrument-outbox.server";
import { instrumentMetaClient } from "../observability/instrument-meta-client.server";
import { deliverGroup, type DeliveryDeps } from "./deliver-group.server";
import { groupByDestination } from "./plan-batches";
import { NO_COUNTERS, SILENT_LOGGER, type DeliveryLogger, type DeliveryOutbox, type DeliveryShops } from "./ports";
import { recheckPausedTokens, TOKEN_RECHECK_CAP_MS, TOKEN_RECHECK_FIRST_MS } from "./token-recheck.server";
import { DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_CAP_MS } from "./retry-policy";
import { runBounded } from "./run-bounded";
import { emptySummary, type RunSummary } from "./run-summary";
import { errorMessage } from "../lib/error-message";

export type DeliveryWorkerOptions = {
  outbox: DeliveryOutbox;
  shops: DeliveryShops;
  client: MetaGraphClient;
  owner: string;
  now?: () => number;
  random?: () => number;
  leaseMs?: number;
  batchSize?: number;
  claimLimit?: number;
  perShopLimit?: number;
  pollIntervalMs?: number;
  /**
   * After a wake-up or a partial claim, wait this long before the next pass so rows arriving together are
   * claimed and sent together (one claim and one Meta request per burst, not per webhook). Default 20 ms.
   */
  coalesceMs?: number;
  concurrency?: number;
  /**
   * The inline worker of a web process passes "busy with webhooks": while it says so, a pass waits (at most
   * `maxYieldMs`, default 2 s, so delivery never stops) and the process's CPU goes to acknowledging Shopify.
   */
  yieldWhile?: () => boolean;
  maxYieldMs?: number;
  logger?: DeliveryLogger;
  /**
   * Where delivery latency and Meta errors are counted; defaults to the process registry, null turns it off.
   * A delivery thread passes a recorder that forwards them to its web process's registry.
   */
  metrics?: DeliveryMetrics | null;
  retry?: { baseMs?: number; capMs?: number };
  /**
   * Re-checks of shops paused for a refused token (decision 0025): the first after `firstMs` (default 5 min),
   * doubling to `capMs` (default 6 h); due re-checks are looked for every `scanMs` (default 30 s).
   */
  tokenRecheck?: { firstMs?: number; capMs?: number; scanMs?: number };
};

export type DeliveryMetrics = Pick<Metrics, "recordDelivered" | "recordMetaError" | "recordResends" | "recordTokenErrorUnconfirmed">;

export type DeliveryWorker = {
  runOnce(): Promise<RunSummary>;
  start(): void;
  stop(): Promise<void>;
  wake(): void;
  /** "ok", a reason it cannot deliver now, or null when there is nothing apart from the process to check. */
  health?(): string | null;
};

// Meta's documented maximum per request.
export const META_MAX_BATCH = 1000;

// The embedded worker: claim → group per (shop, pixel) → send batches (groups in parallel) → record.
// The database row is the truth; the lease makes a crashed worker's rows come back after `leaseMs`.
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const batchSize = Math.min(META_MAX_BATCH, Math.max(1, options.batchSize ?? META_MAX_BATCH));
  const concurrency = Math.max(1, options.concurrency ?? 8);
  // One full Meta batch per pass: every claimed payload is held in memory until Meta answers, and a worker
  // process runs several passes at once (BullMQ concurrency). Once claims became cheap (decision 0003),
  // two-batch passes took a worker draining a 13,000-event backlog to 295 MB; one batch peaked at 233 MB.
  // 1,000 rows per ~100 ms pass is still 5× the delivery budget per job.
  const claimLimit = options.claimLimit ?? batchSize;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? SILENT_LOGGER;
  const metrics: DeliveryMetrics | null = options.metrics === undefined ? getMetrics() : options.metrics;
  const outbox = metrics ? instrumentDeliveryOutbox(options.outbox, metrics) : options.outbox;
  const deps: DeliveryDeps = {
    outbox,
    shops: options.shops,
    client: metrics ? instrumentMetaClient(options.client, metrics) : options.client,
    logger,
    now,
    random: options.random ?? Math.random,
    batchSize,
    retry: {
      baseMs: options.retry?.baseMs ?? DEFAULT_RETRY_BASE_MS,
      capMs: options.retry?.capMs ?? DEFAULT_RETRY_CAP_MS,
    },
    counters: metrics ?? NO_COUNTERS,
    tokenRecheckFirstMs: options.tokenRecheck?.firstMs ?? TOKEN_RECHECK_FIRST_MS,
  };
  const recheckSchedule = { firstMs: deps.tokenRecheckFirstMs, capMs: options.tokenRecheck?.capMs ?? TOKEN_RECHECK_CAP_MS };
  const recheckScanMs = options.tokenRecheck?.scanMs ?? 30_000;
  let nextRecheckScan = 0;

  async function recheckTokensWhenDue(nowMs: number): Promise<void> {
    if (nowMs < nextRecheckScan) return;
    nextRecheckScan = nowMs + recheckScanMs;
    try {
      await recheckPausedTokens({ shops: options.shops, outbox, client: deps.client, logger, now, schedule: recheckSchedule });
    } catch (error) {
      logger.error({ err: errorMessage(error) }, "token re-check failed");
    }
  }

  async function runOnce(): Promise<RunSummary> {
    const summary = emptySummary();
    await recheckTokensWhenDue(now());
    const claimedAtMs = now();
    const rows = await outbox.claimDue({
      nowMs: claimedAtMs,
      limit: claimLimit,
      owner: options.owner,
      leaseMs,
      perShopLimit: options.perShopLimit,
    });
    summary.claimed = rows.length;
    if (rows.length === 0) return summary;
    const tasks = groupByDestination(rows).map((group) => () => deliverGroup(group, deps, summary, { claimedAtMs, leaseMs }));
    await runBounded(tasks, concurrency);
    return summary;
  }

  const coalesceMs = options.coalesceMs ?? 20;
  const yielding = options.yieldWhile ? { busy: options.yieldWhile, maxMs: options.maxYieldMs ?? 2_000 } : null;
  const loop = createLoop({ runOnce, pollIntervalMs, coalesceMs, claimLimit, logger, yielding });
  return { runOnce, start: loop.start, stop: loop.stop, wake: loop.wake };
}

type LoopOptions = {
  runOnce: () => Promise<RunSummary>;
  pollIntervalMs: number;
  coalesceMs: number;
  claimLimit: number;
  logger: DeliveryLogger;
  yielding: { busy: () => boolean; maxMs: number } | null;
};

const YIELD_CHECK_MS = 25;

// Runs passes back to back while a claim comes back full (a backlog). Otherwise it waits: `coalesceMs` when
// there was work or a wake-up (the webhook handler wakes it after each insert), so a burst of webhooks
// becomes one claim and one batch; `pollIntervalMs` when idle, which also picks up retries as they fall due.
function createLoop({ runOnce, pollIntervalMs, coalesceMs, claimLimit, logger, yielding }: LoopOptions) {
  let running: Promise<void> | null = null;
  let stopping = false;
  let woken = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let endSleep: (() => void) | null = null;

  function sleep(ms: number): Promise<void> {
    if (stopping) return Promise.resolve();
    return new Promise((resolve) => {
      endSleep = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        endSleep = null;
        resolve();
      };
      timer = setTimeout(endSleep, ms);
    });
  }

  async function run(): Promise<void> {
    while (!stopping) {
      if (yielding) {
        const since = performance.now();
        while (!stopping && yielding.busy() && performance.now() - since < yielding.maxMs) await sleep(YIELD_CHECK_MS);
      }
      woken = false;
      let claimed = 0;
      try {
        claimed = (await runOnce()).claimed;
      } catch (error) {
        // Usually the database is briefly unavailable: wait a poll interval and try again.
        logger.error({ err: errorMessage(error) }, "delivery pass failed");
      }
      if (stopping || claimed >= claimLimit) continue;
      await sleep(claimed > 0 || woken ? coalesceMs : pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      stopping = false;
      running = run();
    },
    wake() {
      if (woken) return;
      woken = true;
      // Idle: cut the long sleep short, but still give the burst coalesceMs to gather.
      if (endSleep && timer) {
        clearTimeout(timer);
        timer = setTimeout(endSleep, coalesceMs);
      }
    },
    async stop() {
      stopping = true;
      endSleep?.();
      const current = running;
      if (current) await current;
      running = null;
    },
  };
}
