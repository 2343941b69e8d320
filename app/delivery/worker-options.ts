import { DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_CAP_MS } from "./retry-policy";
import { TOKEN_RECHECK_CAP_MS, TOKEN_RECHECK_FIRST_MS } from "./token-recheck.server";

// The delivery worker's knobs, one type wherever it runs (web process inline, its delivery thread, `npm run
// worker`). Plain numbers only, so the whole type crosses to a delivery thread as it is; production uses the
// defaults, tests and benchmarks shorten them.

// Meta's documented maximum per request.
export const META_MAX_BATCH = 1000;

export type DeliveryWorkerTuning = {
  /**
   * How long a claimed row stays leased to this worker: a crashed worker's rows come back after it.
   * @default 60_000
   */
  leaseMs?: number;
  /**
   * Events per Meta request, at most Meta's 1,000.
   * @default 1000
   */
  batchSize?: number;
  /**
   * Rows claimed per pass. Every claimed payload is held in memory until Meta answers, and a worker process
   * runs several passes at once (BullMQ concurrency): one full Meta batch per pass keeps a worker draining a
   * large backlog well inside the 300 MB budget, where two came close to it (docs/decisions/0008, Measurements).
   * @default batchSize
   */
  claimLimit?: number;
  /**
   * Hard cap on one shop's rows in a claim. Without it, shops take turns in shares of a quarter of the claim,
   * and a lone backlog still fills it (app/db/outbox-claim.server.ts).
   * @default no cap
   */
  perShopLimit?: number;
  /**
   * Wait between passes while idle; also what picks up retries as they fall due.
   * @default 500
   */
  pollIntervalMs?: number;
  /**
   * After a wake-up or a partial claim, wait this long before the next pass so rows arriving together are
   * claimed and sent together (one claim and one Meta request per burst, not per webhook).
   * @default 20
   */
  coalesceMs?: number;
  /**
   * Passes out at once while draining a backlog: the next claim is made while earlier passes wait on Meta, so
   * a backlog moves at this many claims per Meta round trip. Each pass holds its claimed payloads until Meta
   * answers, so memory grows with it. Outside a backlog passes run one at a time.
   * @default 1
   */
  passesInFlight?: number;
  /**
   * Destination groups of one pass sent at once.
   * @default 8
   */
  concurrency?: number;
  /**
   * Longest a pass waits while `yieldWhile` says the process is busy, so delivery never stops.
   * @default 2_000
   */
  maxYieldMs?: number;
  /**
   * Backoff for transient failures: exponential from `baseMs`, at most `capMs`, with jitter.
   * @default { baseMs: 30_000, capMs: 3_600_000 }
   */
  retry?: { baseMs?: number; capMs?: number };
  /**
   * Re-checks of shops paused for a refused token (decision 0025): the first after `firstMs`, doubling to
   * `capMs`; due re-checks are looked for every `scanMs`.
   * @default { firstMs: 300_000, capMs: 21_600_000, scanMs: 30_000 }
   */
  tokenRecheck?: { firstMs?: number; capMs?: number; scanMs?: number };
};

/** The documented defaults above, as values (claimLimit follows batchSize, perShopLimit has none). */
export const DELIVERY_WORKER_DEFAULTS = {
  leaseMs: 60_000,
  batchSize: META_MAX_BATCH,
  pollIntervalMs: 500,
  coalesceMs: 20,
  passesInFlight: 1,
  concurrency: 8,
  maxYieldMs: 2_000,
  retry: { baseMs: DEFAULT_RETRY_BASE_MS, capMs: DEFAULT_RETRY_CAP_MS },
  tokenRecheck: { firstMs: TOKEN_RECHECK_FIRST_MS, capMs: TOKEN_RECHECK_CAP_MS, scanMs: 30_000 },
} as const;
