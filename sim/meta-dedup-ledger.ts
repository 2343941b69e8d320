import {
  createBrowserSightings, NO_MATCH_IDS, type MatchIds,
} from "./meta-dedup-fallback";
import { countEntries, type EventNameCounts, type PixelCounts } from "./meta-dedup-counts";

// What Meta would count, per (pixel, event_name, event_id), for every event name (docs/meta-capi-facts.md,
// "How Meta deduplicates").
//
// event_id deduplication is keyed on event_name + event_id within one pixel, and a receipt is dropped when it
// arrives within 48 h of the FIRST receipt with that key ("only the first one is considered"). Nothing limits
// this to browser/server pairs — "never dedups within one source" is said of the fallback method only. So a
// same-source repeat inside 48 h is NOT double counted by Meta; it is still reported by `duplicateDeliveries()`
// because Tandem's outbox promises to send each event once. A repeat more than 48 h after the first receipt
// opens a new window and IS counted again.
// Events without event_id (counted as `unkeyed`) can only be deduplicated by the fallback (meta-dedup-fallback.ts):
// a server one is dropped when a browser event of the same name and person (external_id, else fbp) came first,
// within 48 h. Meta presents the two methods as alternatives; an event WITH an event_id is judged by its id
// alone here, so a browser/server id mismatch always shows as double counting instead of being hidden by a
// shared fbp (docs/meta-capi-facts.md, "How Meta deduplicates").

export const DEDUP_WINDOW_MS = 48 * 60 * 60 * 1000;

export type ReceiptSource = "server" | "browser";
export type Receipt = { source: ReceiptSource; atMs: number };

export type LedgerEntry = {
  pixelId: string;
  eventName: string;
  eventId: string;
  server: number;
  browser: number;
  receipts: Receipt[];
  // How many times Meta would count this key (1 = deduplicated correctly).
  countedByMeta: number;
};

export type UnkeyedCounts = { server: number; browser: number; dedupedByFallback: number };

export type { EventNameCounts, PixelCounts };

export type DedupLedger = {
  record(
    pixelId: string, eventName: string, eventId: string | undefined, source: ReceiptSource, atMs: number,
    matchIds?: MatchIds,
  ): void;
  entries(): LedgerEntry[];
  doubleCounted(): LedgerEntry[];
  duplicateDeliveries(): LedgerEntry[];
  countsBy(pixelId: string): PixelCounts;
  /** The same figures per event name: browser-only, server-only and paired keys, and what Meta counts. */
  countsByEvent(pixelId: string): Record<string, EventNameCounts>;
  clear(): void;
};

type MutableEntry = Pick<LedgerEntry, "pixelId" | "eventName" | "eventId" | "receipts">;

export function createDedupLedger(): DedupLedger {
  const byKey = new Map<string, MutableEntry>();
  // pixel → event name → receipts without event_id.
  const unkeyed = new Map<string, Map<string, UnkeyedCounts>>();
  const sightings = createBrowserSightings();

  function entries(): LedgerEntry[] {
    return [...byKey.values()].map(summarize);
  }

  function unkeyedOf(pixelId: string): Map<string, UnkeyedCounts> {
    return unkeyed.get(pixelId) ?? new Map();
  }

  return {
    record(pixelId, eventName, eventId, source, atMs, matchIds = NO_MATCH_IDS) {
      if (source === "browser") sightings.add(pixelId, eventName, atMs, matchIds);
      if (eventId === undefined || eventId === "") {
        // Judged on arrival: the fallback only looks back at browser events that came before.
        const fallbackMatch = source === "server" && sightings.precedes(pixelId, eventName, atMs, matchIds, DEDUP_WINDOW_MS);
        const names = unkeyedOf(pixelId);
        const counts = names.get(eventName) ?? { server: 0, browser: 0, dedupedByFallback: 0 };
        counts[source] += 1;
        if (fallbackMatch) counts.dedupedByFallback += 1;
        names.set(eventName, counts);
        unkeyed.set(pixelId, names);
        return;
      }
      const key = JSON.stringify([pixelId, eventName, eventId]);
      const entry = byKey.get(key) ?? { pixelId, eventName, eventId, receipts: [] };
      entry.receipts.push({ source, atMs });
      byKey.set(key, entry);
    },
    entries,
    doubleCounted: () => entries().filter((entry) => entry.countedByMeta > 1),
    duplicateDeliveries: () => entries().filter((entry) => entry.server > 1 || entry.browser > 1),
    countsBy(pixelId) {
      const mine = entries().filter((entry) => entry.pixelId === pixelId);
      return countEntries(mine, [...unkeyedOf(pixelId).values()]);
    },
    countsByEvent(pixelId) {
      const mine = entries().filter((entry) => entry.pixelId === pixelId);
      const names = unkeyedOf(pixelId);
      const result: Record<string, EventNameCounts> = {};
      for (const name of new Set([...mine.map((entry) => entry.eventName), ...names.keys()])) {
        const loose = names.get(name);
        result[name] = countEntries(mine.filter((entry) => entry.eventName === name), loose === undefined ? [] : [loose]);
      }
      return result;
    },
    clear() {
      byKey.clear();
      unkeyed.clear();
      sightings.clear();
    },
  };
}

function summarize(entry: MutableEntry): LedgerEntry {
  const receipts = [...entry.receipts].sort((a, b) => a.atMs - b.atMs);
  const browser = receipts.filter((receipt) => receipt.source === "browser").length;
  let windowStart = Number.NEGATIVE_INFINITY;
  let counted = 0;
  for (const receipt of receipts) {
    if (receipt.atMs - windowStart > DEDUP_WINDOW_MS) {
      counted += 1;
      windowStart = receipt.atMs;
    }
  }
  return { ...entry, receipts, server: receipts.length - browser, browser, countedByMeta: counted };
}
