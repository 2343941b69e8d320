import type { EventNameCounts, LedgerEntry } from "../../sim/meta-dedup-ledger";
import type { RequestRecord } from "./browser-network";

// What the Meta simulator says it received, in the demo's words: per event name (browser receipts, server
// receipts, event ids seen from both sides, and what Meta counts after deduplication), and per journey which
// of its events reached Meta from both sides, from one side, or not at all.

/** Funnel order first; any other event name the simulator saw follows. */
const FUNNEL = ["PageView", "Search", "ViewContent", "AddToCart", "InitiateCheckout", "AddPaymentInfo", "Purchase"];

/** Every event id counted exactly once: no double count, nothing without an id. */
export function countedOnce(counts: EventNameCounts): boolean {
  return counts.countedByMeta === counts.keys && counts.doubleCountedKeys === 0 && counts.unkeyed === 0;
}

export function perEventTable(countsByEvent: Record<string, EventNameCounts>): string[] {
  const names = [...FUNNEL.filter((name) => name in countsByEvent), ...Object.keys(countsByEvent).filter((name) => !FUNNEL.includes(name))];
  const lines = [`${"event".padEnd(18)}${"browser".padStart(8)}${"server".padStart(8)}${"paired".padStart(8)}  Meta counts`];
  for (const name of names) {
    const counts = countsByEvent[name] as EventNameCounts;
    const verdict = countedOnce(counts) ? "each event id once" : `${counts.doubleCountedKeys} event ids MORE THAN ONCE`;
    lines.push(
      `${name.padEnd(18)}${String(counts.browser).padStart(8)}${String(counts.server).padStart(8)}${String(counts.pairedKeys).padStart(8)}  ${counts.countedByMeta} (${verdict})`,
    );
  }
  return lines;
}

export type Reach = "both sides" | "server only" | "browser only" | "not at all";
const REACH_ORDER: Reach[] = ["both sides", "server only", "browser only", "not at all"];

/** How each event of one journey reached Meta, by its event id in the simulator's dedup ledger. */
export function journeyReach(requests: readonly RequestRecord[], ledger: readonly LedgerEntry[], pixelId: string): Map<Reach, string[]> {
  const events = new Map<string, string>();
  for (const request of requests) events.set(`${request.eventName}\n${request.eventId}`, request.eventName);
  const reach = new Map<Reach, string[]>();
  for (const [key, eventName] of events) {
    const eventId = key.slice(eventName.length + 1);
    const entry = ledger.find((item) => item.pixelId === pixelId && item.eventName === eventName && item.eventId === eventId);
    const how: Reach =
      entry === undefined ? "not at all" : entry.browser > 0 && entry.server > 0 ? "both sides" : entry.server > 0 ? "server only" : "browser only";
    reach.set(how, [...(reach.get(how) ?? []), eventName]);
  }
  return reach;
}

/** `both sides: Search, ViewContent; browser only: PageView ×3`, or "nothing from either side". */
export function describeReach(reach: Map<Reach, string[]>): string {
  const parts = REACH_ORDER.filter((how) => reach.has(how)).map((how) => `${how}: ${withRepeats(reach.get(how) ?? [])}`);
  return parts.length === 0 ? "nothing from either side" : parts.join("; ");
}

/** " (LDU on every server event)" when each server event of the journey asked Meta for Limited Data Use. */
export function lduNote(requests: readonly RequestRecord[], accepted: ReadonlyArray<{ event: Record<string, unknown> }>): string {
  const ids = new Set(requests.map((request) => request.eventId));
  const server = accepted.filter((item) => ids.has(String(item.event.event_id)));
  const limited = server.filter((item) => Array.isArray(item.event.data_processing_options) && item.event.data_processing_options.includes("LDU"));
  return server.length > 0 && limited.length === server.length ? " (LDU on every server event)" : "";
}

function withRepeats(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(", ");
}
