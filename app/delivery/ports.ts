// The slices of storage the worker depends on. app/db's outbox and shop store satisfy these structurally;
// declaring them here keeps the worker testable and keeps it from depending on storage internals.

export type ClaimedDelivery = {
  id: number;
  shop: string;
  destination: string;
  eventName: string;
  eventId: string;
  eventTime: number;
  // The hashed CAPI event: an object, or its JSON text, or null after the retention purge.
  payload: unknown;
  attempts: number;
  /** Set when a request carrying the row started and its answer was never recorded (decision 0025). */
  sendingStartedAt?: number | null;
};

/**
 * Results are fenced by the lease (decision 0036). `owner` is the lease owner the rows were claimed under. Only
 * "sent" is recorded whoever holds the row: it is Meta's answer, and never lost. Every other mark applies to the
 * rows the caller still holds and returns how many those were; a row another worker has claimed since this
 * lease ran out (or one already finished) is left as it is, and its result dropped.
 */
export type DeliveryOutbox = {
  claimDue(input: {
    nowMs: number;
    limit: number;
    owner: string;
    leaseMs: number;
    perShopLimit?: number;
  }): Promise<readonly ClaimedDelivery[]>;
  markSent(ids: number[], input: { nowMs: number; fbtraceId: string | null; eventsReceived: number }): Promise<unknown>;
  markRetry(ids: number[], input: { owner: string; nowMs: number; nextAttemptAt: number; reason: string }): Promise<number>;
  markDead(ids: number[], input: { owner: string; nowMs: number; reason: string; fbtraceId?: string | null }): Promise<number>;
  markNeedsAttention(ids: number[], input: { owner: string; nowMs: number; reason: string; fbtraceId?: string | null }): Promise<number>;
  /** A request carrying these rows starts now; counts a re-send for rows whose last request has no answer. */
  markSending(ids: number[], input: { owner: string; nowMs: number }): Promise<number>;
  releaseLease(ids: number[], input: { owner: string }): Promise<number>;
  /** The shop's pause was lifted: its needs-attention rows become due now. */
  resumeShop(shop: string, nowMs: number): Promise<unknown>;
};

/** The marks a stale result can be dropped from: a metric label, so a closed list (decision 0036). */
export const STALE_RESULT = {
  retrying: "retrying",
  dead: "dead",
  needsAttention: "needs_attention",
  sending: "sending",
  release: "release",
} as const;
export type StaleResult = (typeof STALE_RESULT)[keyof typeof STALE_RESULT];

/** What the worker counts beyond the outbox and Meta's errors; the process registry or a thread's forwarder. */
export type DeliveryCounters = {
  recordResends(count: number): void;
  recordTokenErrorUnconfirmed(): void;
  /** Results dropped because the rows were no longer this lease's (decision 0036). */
  recordStaleResults(result: StaleResult, count: number): void;
};

export const NO_COUNTERS: DeliveryCounters = { recordResends() {}, recordTokenErrorUnconfirmed() {}, recordStaleResults() {} };

export type DeliveryShop = {
  shop: string;
  pixelIds: readonly string[];
};

export type DeliveryShops = {
  getShop(shop: string): Promise<DeliveryShop | null>;
  getAccessToken(shop: string): Promise<string | null>;
  /** Pauses the whole shop: its token is refused, so every destination would fail (the claim skips it). */
  markNeedsAttention(shop: string, reason: string, nowMs: number, tokenRecheckAt?: number): Promise<unknown>;
  clearNeedsAttention(shop: string): Promise<unknown>;
  /** Paused shops whose refused token is due to be asked about again (decision 0025). */
  dueTokenRechecks(nowMs: number): Promise<ReadonlyArray<{ shop: string; recheckAt: number; rechecks: number }>>;
  /** Takes that re-check and schedules the next; false when another worker took it. */
  claimTokenRecheck(due: { shop: string; recheckAt: number; rechecks: number }, nextAt: number): Promise<boolean>;
  /** Pauses one destination (pixel) of the shop; its rows wait as needs_attention, the others keep sending. */
  pauseDestination(shop: string, destination: string, reason: string, nowMs: number): Promise<unknown>;
  getDestinationPause(shop: string, destination: string): Promise<{ reason: string } | null>;
};

// pino's call shape (merge object first, then message), so a pino logger can be passed as is.
export type DeliveryLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export const SILENT_LOGGER: DeliveryLogger = {
  info() {},
  warn() {},
  error() {},
};
