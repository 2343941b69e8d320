import type { NewDelivery } from "../db/outbox-types";
import type { PurchaseMapping } from "../tracking/purchase-from-order";

// A mapped order → one outbox row per destination. Shared by the webhook ingest and by anything that
// seeds the outbox the same way (bench, tests), so a row always carries the mapping's ids and provenance.

export type MappedPurchase = Exclude<PurchaseMapping, { kind: "invalid" }>;

export type RowOptions = {
  shop: string;
  destinations: readonly string[];
  status: "pending" | "held" | "skipped";
  statusReason?: string | null;
  nowMs: number;
};

export function outboxRowsFor(mapping: MappedPurchase, options: RowOptions): NewDelivery[] {
  // Only an event that may still be sent keeps its (hashed) payload.
  const payload = mapping.kind === "event" && options.status !== "skipped" ? mapping.event : null;
  return options.destinations.map((destination) => ({
    shop: options.shop,
    destination,
    eventName: mapping.eventName,
    eventId: mapping.eventId,
    provenance: mapping.provenance,
    orderId: mapping.orderId,
    orderName: mapping.orderName,
    eventTime: mapping.eventTime,
    payload,
    matchKeys: mapping.kind === "event" ? mapping.matchKeys : [],
    status: options.status,
    statusReason: options.statusReason ?? null,
    nextAttemptAt: options.nowMs,
    orderKind: mapping.orderKind,
  }));
}
