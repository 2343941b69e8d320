// Messages between the bench and its load-generator threads.

export type LoadShape = { durationMs: number; maxCount: number } & ({ mode: "open"; ratePerSec: number } | { mode: "closed"; concurrency: number });

export type LoadJob = {
  baseUrl: string;
  secret: string;
  path: string;
  shops: readonly string[];
  /** Order numbers used are firstOrder .. firstOrder + count - 1 (unique across runs, so every order is new). */
  firstOrder: number;
} & LoadShape;

/** Collector load (collect-load-generator.ts): shopper journeys, `firstShopper` on (unique across a run). */
export type CollectLoadJob = {
  baseUrl: string;
  path: string;
  shops: readonly string[];
  firstShopper: number;
  /** Send each event as a JSON object (the baseline server) instead of the pixel's text/plain query string. */
  json: boolean;
} & LoadShape;

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
