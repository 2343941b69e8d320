import type { NewFunnelEventRecord } from "../db/schema";
import type { FunnelCapiEvent } from "./funnel-capi-event";
import { metaDestination } from "../destinations/destination-key";

// A funnel event → one queued row per pixel the SHOP configured (the server's list is authoritative: a visitor
// cannot choose where events go). The worker sends them as it sends a Purchase — batched per pixel — and
// whatever its first try does not send moves to the outbox, to be retried, paused and dead-lettered alike
// (decision 0034).

/** How a funnel event that moved to `deliveries` says where it came from. */
export const COLLECTOR_PROVENANCE = "collector";

export function funnelRows(shop: string, pixelIds: readonly string[], mapped: { event: FunnelCapiEvent; matchKeys: string[] }, nowMs: number): NewFunnelEventRecord[] {
  const payload = JSON.stringify(mapped.event);
  const matchKeys = JSON.stringify(mapped.matchKeys);
  return [...new Set(pixelIds)].map((pixelId) => ({
    shop,
    destination: metaDestination(pixelId),
    event_name: mapped.event.event_name,
    event_id: mapped.event.event_id,
    event_time: mapped.event.event_time,
    payload,
    match_keys: matchKeys,
    created_at: nowMs,
  }));
}
