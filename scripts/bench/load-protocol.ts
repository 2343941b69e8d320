// Messages between the bench and its load-generator thread.

export type LoadJob = {
  baseUrl: string;
  secret: string;
  path: string;
  shops: readonly string[];
  /** Order numbers used are firstOrder .. firstOrder + count - 1 (unique across runs, so every order is new). */
  firstOrder: number;
  durationMs: number;
  maxCount: number;
} & ({ mode: "open"; ratePerSec: number } | { mode: "closed"; concurrency: number });

export type LoadResult = {
  sent: number;
  ok: number;
  failed: number;
  elapsedMs: number;
  /** Ack latency per request, ms (open loop: from the scheduled send time, so queueing delay counts). */
  latenciesMs: number[];
  /** [event_id, wall-clock ms just before sending] for end-to-end lag. */
  sentAt: Array<[string, number]>;
};
