import type { DedupLedger, EventNameCounts, LedgerEntry, PixelCounts } from "./meta-dedup-ledger";
import type { EventDiagnostic } from "./meta-event-diagnostics";
import type { AcceptedEvent, GraphRequestLog } from "./meta-events-handler";
import type { BrowserEvent } from "./meta-tr-rules";

// What GET /__sim/state serves, and sim.state() returns: everything received, and what Meta would count.

export type SimState = {
  accepted: number;
  acceptedByPixel: Record<string, number>;
  browserEvents: number;
  requests: number;
  ledger: LedgerEntry[];
  doubleCounted: LedgerEntry[];
  duplicateDeliveries: LedgerEntry[];
  countsByPixel: Record<string, PixelCounts>;
  /** Per pixel, per event name: browser-only, server-only and paired keys, and what Meta counts. */
  countsByEvent: Record<string, Record<string, EventNameCounts>>;
  acceptedEvents: AcceptedEvent[];
  browserEventList: BrowserEvent[];
  /** Accepted events Events Manager would flag (missing catalog ids, value without currency). */
  diagnostics: EventDiagnostic[];
};

export type SimStateSources = {
  pixelIds: readonly string[];
  ledger: DedupLedger;
  accepted: AcceptedEvent[];
  browserEvents: BrowserEvent[];
  requests: readonly GraphRequestLog[];
  diagnostics: EventDiagnostic[];
};

export function buildSimState({ pixelIds, ledger, accepted, browserEvents, requests, diagnostics }: SimStateSources): SimState {
  const acceptedByPixel: Record<string, number> = {};
  for (const item of accepted) acceptedByPixel[item.pixelId] = (acceptedByPixel[item.pixelId] ?? 0) + 1;
  const countsByPixel: Record<string, PixelCounts> = {};
  const countsByEvent: Record<string, Record<string, EventNameCounts>> = {};
  for (const pixelId of pixelIds) {
    countsByPixel[pixelId] = ledger.countsBy(pixelId);
    countsByEvent[pixelId] = ledger.countsByEvent(pixelId);
  }
  return {
    accepted: accepted.length,
    acceptedByPixel,
    browserEvents: browserEvents.length,
    requests: requests.length,
    ledger: ledger.entries(),
    doubleCounted: ledger.doubleCounted(),
    duplicateDeliveries: ledger.duplicateDeliveries(),
    countsByPixel,
    countsByEvent,
    acceptedEvents: accepted,
    browserEventList: browserEvents,
    diagnostics,
  };
}
