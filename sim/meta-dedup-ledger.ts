// What Meta would count, per (pixel, event_name, event_id).
//
// Choice, from reference/meta-capi.md §5: event_id deduplication is keyed on event_name + event_id within one
// pixel, and a receipt is dropped when it arrives within 48 h of the FIRST receipt with that key ("we only
// consider the first one"). Nothing there limits this to browser/server pairs — "never dedups within one source"
// is said of the fallback (fbp/external_id) method only. So a same-source repeat inside 48 h is NOT double
// counted by Meta; it is still reported by `duplicateDeliveries()` because Tandem's outbox promises to send each
// event once. A repeat more than 48 h after the first receipt opens a new window and IS counted again.
// Events without event_id cannot be deduplicated at all; they are counted as `unkeyed`.

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

export type PixelCounts = {
  server: number;
  browser: number;
  unkeyed: number;
  keys: number;
  // Keys seen from both the browser and the server: the pairs dedup exists for.
  pairedKeys: number;
  doubleCountedKeys: number;
  duplicateDeliveryKeys: number;
  // Conversions Meta would report for this pixel after deduplication.
  countedByMeta: number;
};

export type DedupLedger = {
  record(pixelId: string, eventName: string, eventId: string | undefined, source: ReceiptSource, atMs: number): void;
  entries(): LedgerEntry[];
  doubleCounted(): LedgerEntry[];
  duplicateDeliveries(): LedgerEntry[];
  countsBy(pixelId: string): PixelCounts;
  clear(): void;
};

type MutableEntry = Omit<LedgerEntry, "server" | "browser" | "countedByMeta">;

export function createDedupLedger(): DedupLedger {
  const byKey = new Map<string, MutableEntry>();
  const unkeyed = new Map<string, { server: number; browser: number }>();

  function entries(): LedgerEntry[] {
    return [...byKey.values()].map(summarize);
  }

  return {
    record(pixelId, eventName, eventId, source, atMs) {
      if (eventId === undefined || eventId === "") {
        const counts = unkeyed.get(pixelId) ?? { server: 0, browser: 0 };
        counts[source] += 1;
        unkeyed.set(pixelId, counts);
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
      const loose = unkeyed.get(pixelId) ?? { server: 0, browser: 0 };
      const looseTotal = loose.server + loose.browser;
      return {
        server: mine.reduce((sum, entry) => sum + entry.server, loose.server),
        browser: mine.reduce((sum, entry) => sum + entry.browser, loose.browser),
        unkeyed: looseTotal,
        keys: mine.length,
        pairedKeys: mine.filter((entry) => entry.server > 0 && entry.browser > 0).length,
        doubleCountedKeys: mine.filter((entry) => entry.countedByMeta > 1).length,
        duplicateDeliveryKeys: mine.filter((entry) => entry.server > 1 || entry.browser > 1).length,
        countedByMeta: mine.reduce((sum, entry) => sum + entry.countedByMeta, looseTotal),
      };
    },
    clear() {
      byKey.clear();
      unkeyed.clear();
    },
  };
}

function summarize(entry: MutableEntry): LedgerEntry {
  const receipts = [...entry.receipts].sort((a, b) => a.atMs - b.atMs);
  let windowStart = Number.NEGATIVE_INFINITY;
  let counted = 0;
  for (const receipt of receipts) {
    if (receipt.atMs - windowStart > DEDUP_WINDOW_MS) {
      counted += 1;
      windowStart = receipt.atMs;
    }
  }
  return {
    ...entry,
    receipts,
    server: receipts.filter((receipt) => receipt.source === "server").length,
    browser: receipts.filter((receipt) => receipt.source === "browser").length,
    countedByMeta: counted,
  };
}
