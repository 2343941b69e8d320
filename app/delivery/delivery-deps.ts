import type { MetaGraphClient } from "../destinations/meta/types";
import type { DeliveryCounters, DeliveryLogger, DeliveryOutbox, DeliveryShops } from "./ports";

// What one delivery pass works with, resolved from the worker's options (defaults applied). Its own file so
// the group sender and the outcome recorder both depend on it without depending on each other.

export type DeliveryDeps = {
  outbox: DeliveryOutbox;
  shops: DeliveryShops;
  client: MetaGraphClient;
  logger: DeliveryLogger;
  now: () => number;
  random: () => number;
  batchSize: number;
  retry: { baseMs: number; capMs: number };
  counters: DeliveryCounters;
  /** When a shop paused for a refused token is first asked about again (decision 0025). */
  tokenRecheckFirstMs: number;
};
