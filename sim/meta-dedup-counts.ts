import type { LedgerEntry, UnkeyedCounts } from "./meta-dedup-ledger";

// The ledger's figures for a set of keys (one pixel, or one event name of one pixel).

export type EventNameCounts = {
  /** Receipts, keyed and unkeyed. */
  server: number;
  browser: number;
  /** Receipts without event_id (only the fallback can deduplicate them). */
  unkeyed: number;
  keys: number;
  // Keys seen from both the browser and the server: the pairs dedup exists for.
  pairedKeys: number;
  browserOnlyKeys: number;
  serverOnlyKeys: number;
  doubleCountedKeys: number;
  duplicateDeliveryKeys: number;
  /** Server events without event_id that Meta drops by event_name + external_id/fbp (a browser event came first). */
  dedupedByFallback: number;
  // Conversions Meta would report after deduplication.
  countedByMeta: number;
};

export type PixelCounts = EventNameCounts;

export function countEntries(entries: readonly LedgerEntry[], loose: readonly UnkeyedCounts[]): EventNameCounts {
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  const looseServer = sum(loose.map((counts) => counts.server));
  const looseBrowser = sum(loose.map((counts) => counts.browser));
  const looseFallback = sum(loose.map((counts) => counts.dedupedByFallback));
  return {
    server: sum(entries.map((entry) => entry.server)) + looseServer,
    browser: sum(entries.map((entry) => entry.browser)) + looseBrowser,
    unkeyed: looseServer + looseBrowser,
    keys: entries.length,
    pairedKeys: entries.filter((entry) => entry.server > 0 && entry.browser > 0).length,
    browserOnlyKeys: entries.filter((entry) => entry.server === 0).length,
    serverOnlyKeys: entries.filter((entry) => entry.browser === 0).length,
    doubleCountedKeys: entries.filter((entry) => entry.countedByMeta > 1).length,
    duplicateDeliveryKeys: entries.filter((entry) => entry.server > 1 || entry.browser > 1).length,
    dedupedByFallback: looseFallback,
    countedByMeta: sum(entries.map((entry) => entry.countedByMeta)) + looseServer + looseBrowser - looseFallback,
  };
}
