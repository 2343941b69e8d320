import type { MetaGraphClient } from "../destinations/meta/types";
import type { Metrics } from "../observability/metrics.server";
import { instrumentDeliveryOutbox } from "../observability/instrument-outbox.server";
import { instrumentMetaClient } from "../observability/instrument-meta-client.server";
import { deliverGroup } from "./deliver-group.server";
import type { DeliveryDeps } from "./delivery-deps";
import { groupByDestination } from "./plan-batches";
import { NO_COUNTERS, SILENT_LOGGER, type DeliveryLogger, type DeliveryOutbox, type DeliveryShops } from "./ports";
import { recheckPausedTokens } from "./token-recheck.server";
import { runBounded } from "./run-bounded";
import { emptySummary, type RunSummary } from "./run-summary";
import { DELIVERY_WORKER_DEFAULTS, META_MAX_BATCH, type DeliveryWorkerTuning } from "./worker-options";
import { errorMessage } from "../lib/error-message";

export { META_MAX_BATCH } from "./worker-options";

/** The tuning (plain numbers, defaults documented on each field) plus what the worker works with. */
export type DeliveryWorkerOptions = DeliveryWorkerTuning & {
  outbox: DeliveryOutbox;
  shops: DeliveryShops;
  client: MetaGraphClient;
  /**
   * Names this worker's leases; made once per worker by deliveryOwnerId() (build-worker.server.ts). Each pass
   * leases under `<owner>/<pass number>`, so passes out at once are told apart when results are fenced by the
   * lease (decision 0036).
   */
  owner: string;
  now?: () => number;
  random?: () => number;
  /**
   * The inline worker of a web process passes "busy with webhooks": while it says so, a pass waits (at most
   * `maxYieldMs`, so delivery never stops) and the process's CPU goes to acknowledging Shopify.
   */
  yieldWhile?: () => boolean;
  /**
   * Whether this worker asks Meta again about paused shops' tokens (default true). A process running two
   * workers (orders and funnel events, build-worker.server.ts) lets one of them do it.
   */
  recheckTokens?: boolean;
  logger?: DeliveryLogger;
  /**
   * Where delivery latency and Meta errors are counted: the process's instruments (Services.metrics), or a
   * delivery thread's recorder that forwards them to its web process. Absent or null: not counted.
   */
  metrics?: DeliveryMetrics | null;
};

export type DeliveryMetrics = Pick<
  Metrics,
  "recordDelivered" | "recordMetaError" | "recordResends" | "recordTokenErrorUnconfirmed" | "recordStaleResults"
>;

export type DeliveryWorker = {
  runOnce(): Promise<RunSummary>;
  start(): void;
  stop(): Promise<void>;
  wake(): void;
  /** "ok", a reason it cannot deliver now, or null when there is nothing apart from the process to check. */
  health?(): string | null;
};

// The embedded worker: claim → group per (shop, pixel) → send batches (groups in parallel) → record.
// The database row is the truth; the lease makes a crashed worker's rows come back after `leaseMs`.
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const defaults = DELIVERY_WORKER_DEFAULTS;
  const batchSize = Math.min(META_MAX_BATCH, Math.max(1, options.batchSize ?? defaults.batchSize));
  const concurrency = Math.max(1, options.concurrency ?? defaults.concurrency);
  const claimLimit = options.claimLimit ?? batchSize;
  const leaseMs = options.leaseMs ?? defaults.leaseMs;
  const pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? SILENT_LOGGER;
  const metrics: DeliveryMetrics | null = options.metrics ?? null;
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
      baseMs: options.retry?.baseMs ?? defaults.retry.baseMs,
      capMs: options.retry?.capMs ?? defaults.retry.capMs,
    },
    counters: metrics ?? NO_COUNTERS,
    tokenRecheckFirstMs: options.tokenRecheck?.firstMs ?? defaults.tokenRecheck.firstMs,
  };
  const recheckSchedule = { firstMs: deps.tokenRecheckFirstMs, capMs: options.tokenRecheck?.capMs ?? defaults.tokenRecheck.capMs };
  const recheckScanMs = options.tokenRecheck?.scanMs ?? defaults.tokenRecheck.scanMs;
  let nextRecheckScan = 0;
  let passes = 0;

  async function recheckTokensWhenDue(nowMs: number): Promise<void> {
    if (nowMs < nextRecheckScan) return;
    nextRecheckScan = nowMs + recheckScanMs;
    try {
      await recheckPausedTokens({ shops: options.shops, outbox, client: deps.client, logger, now, schedule: recheckSchedule });
    } catch (error) {
      logger.error({ err: errorMessage(error) }, "token re-check failed");
    }
  }

  /** Claims (resolves once the rows are leased), then delivers them (`delivered`). */
  async function startPass(): Promise<{ claimed: number; delivered: Promise<RunSummary> }> {
    const summary = emptySummary();
    if (options.recheckTokens !== false) await recheckTokensWhenDue(now());
    const claimedAtMs = now();
    // One lease name per pass: passes of one worker overlap (passesInFlight, a BullMQ job's runOnce beside the
    // loop), and one whose lease ran out must not record over the pass that reclaimed its rows.
    passes += 1;
    const owner = `${options.owner}/${passes}`;
    const rows = await outbox.claimDue({
      nowMs: claimedAtMs,
      limit: claimLimit,
      owner,
      leaseMs,
      perShopLimit: options.perShopLimit,
    });
    summary.claimed = rows.length;
    if (rows.length === 0) return { claimed: 0, delivered: Promise.resolve(summary) };
    const tasks = groupByDestination(rows).map((group) => () => deliverGroup(group, deps, summary, { claimedAtMs, leaseMs, owner }));
    return { claimed: rows.length, delivered: runBounded(tasks, concurrency).then(() => summary) };
  }

  async function runOnce(): Promise<RunSummary> {
    return (await startPass()).delivered;
  }

  const coalesceMs = options.coalesceMs ?? defaults.coalesceMs;
  const yielding = options.yieldWhile ? { busy: options.yieldWhile, maxMs: options.maxYieldMs ?? defaults.maxYieldMs } : null;
  const passesInFlight = Math.max(1, options.passesInFlight ?? defaults.passesInFlight);
  const loop = createLoop({ startPass, pollIntervalMs, coalesceMs, claimLimit, passesInFlight, logger, yielding });
  return { runOnce, start: loop.start, stop: loop.stop, wake: loop.wake };
}

type LoopOptions = {
  startPass: () => Promise<{ claimed: number; delivered: Promise<RunSummary> }>;
  pollIntervalMs: number;
  coalesceMs: number;
  claimLimit: number;
  passesInFlight: number;
  logger: DeliveryLogger;
  yielding: { busy: () => boolean; maxMs: number } | null;
};

const YIELD_CHECK_MS = 25;

// Runs passes back to back while a claim comes back full (a backlog), up to `passesInFlight` of them at once:
// the next claim goes out while the previous pass waits on Meta, so a backlog drains at passesInFlight claims
// per Meta round trip instead of one (leases keep the passes' rows apart). Otherwise it lets the passes in
// flight finish and waits: `coalesceMs` when there was work or a wake-up (the webhook handler wakes it after
// each insert), so a burst of webhooks becomes one claim and one batch; `pollIntervalMs` when idle, which also
// picks up retries as they fall due.
function createLoop({ startPass, pollIntervalMs, coalesceMs, claimLimit, passesInFlight, logger, yielding }: LoopOptions) {
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

  const inFlight = new Set<Promise<void>>();

  function track(delivered: Promise<RunSummary>): void {
    const done: Promise<void> = delivered.then(
      () => undefined,
      (error: unknown) => logger.error({ err: errorMessage(error) }, "delivery pass failed"),
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
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
        const pass = await startPass();
        claimed = pass.claimed;
        track(pass.delivered);
      } catch (error) {
        // Usually the database is briefly unavailable: wait a poll interval and try again.
        logger.error({ err: errorMessage(error) }, "delivery pass failed");
      }
      const backlog = claimed >= claimLimit;
      // A backlog claims again while passes are out, up to the bound; anything else lets them finish first.
      while (inFlight.size >= (backlog ? passesInFlight : 1)) await Promise.race(inFlight);
      if (stopping || backlog) continue;
      await sleep(claimed > 0 || woken ? coalesceMs : pollIntervalMs);
    }
    await Promise.all(inFlight);
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
