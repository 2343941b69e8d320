import type { NewDeliveryRecord } from "../db/schema";
import type { FunnelCapiEvent } from "./funnel-capi-event";
import { metaDestination } from "../destinations/destination-key";
import { pendingColumns } from "../db/outbox-types";

// A funnel event → one pending outbox row per pixel the SHOP configured (the server's list is authoritative:
// a visitor cannot choose where events go). The worker then sends them exactly as it sends a Purchase:
// batched per pixel, retried, paused and dead-lettered alike.

export const COLLECTOR_PROVENANCE = "collector";

export function funnelRows(shop: string, pixelIds: readonly string[], mapped: { event: FunnelCapiEvent; matchKeys: string[] }, nowMs: number): NewDeliveryRecord[] {
  const payload = JSON.stringify(mapped.event);
  const matchKeys = JSON.stringify(mapped.matchKeys);
  return [...new Set(pixelIds)].map((pixelId) => ({
    shop,
    destination: metaDestination(pixelId),
    event_name: mapped.event.event_name,
    event_id: mapped.event.event_id,
    provenance: COLLECTOR_PROVENANCE,
    order_id: null,
    order_name: null,
    event_time: mapped.event.event_time,
    payload,
    match_keys: matchKeys,
    order_kind: null,
    ...pendingColumns(nowMs),
  }));
}
