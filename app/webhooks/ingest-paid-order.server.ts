import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../tracking/purchase-from-order";
import type { AppContext } from "../context.server";
import { nodeSha256 } from "../server/node-sha256.server";

// orders/paid → outbox rows. Runs inside the webhook request, so it does only local work:
// dedupe → map + hash → insert. Meta is called later by the worker, never here.

export const UNCONFIGURED_DESTINATION = "meta:unconfigured";
export const ORDERS_PAID = "orders/paid";

export const INGEST_OUTCOME = {
  queued: "queued",
  held: "held",
  skipped: "skipped",
  invalid: "invalid",
  duplicateDelivery: "duplicate_delivery",
  disabled: "disabled",
} as const;
export type IngestOutcome = (typeof INGEST_OUTCOME)[keyof typeof INGEST_OUTCOME];

type Deps = Pick<AppContext, "shops" | "outbox" | "receipts" | "queue" | "logger">;

export type PaidOrderDelivery = { shop: string; webhookId: string; payload: unknown; nowMs: number };

export async function ingestPaidOrder(deps: Deps, delivery: PaidOrderDelivery): Promise<IngestOutcome> {
  const { shop, webhookId, payload, nowMs } = delivery;
  // A repeated delivery id is answered without re-mapping. The receipt is written only after the outbox
  // insert, so a crash in between makes Shopify retry instead of losing the order; the outbox's unique key
  // (shop, destination, event_name, event_id) is what guarantees one event per order.
  if (await deps.receipts.has(shop, ORDERS_PAID, webhookId)) return INGEST_OUTCOME.duplicateDelivery;

  const config = await deps.shops.getShop(shop);
  const mapping = await buildPurchaseFromOrder(payload, {
    nowMs,
    settings: config?.settings ?? DEFAULT_PURCHASE_SETTINGS,
    storefrontUrl: config?.storefrontUrl ?? `https://${shop}`,
    sha256: nodeSha256,
  });
  const configured = Boolean(config && config.pixelIds.length > 0 && config.hasAccessToken);
  const destinations = configured && config ? config.pixelIds.map((id) => `meta:${id}`) : [UNCONFIGURED_DESTINATION];
  const common = { shop, eventName: "Purchase", nextAttemptAt: nowMs };

  let outcome: IngestOutcome;
  if (mapping.kind === "invalid") {
    outcome = INGEST_OUTCOME.invalid;
    await deps.outbox.enqueue(
      [
        {
          ...common,
          destination: destinations[0] ?? UNCONFIGURED_DESTINATION,
          eventId: mapping.orderId ? `invalid_order_${mapping.orderId}` : `invalid_webhook_${webhookId}`,
          provenance: "order_id",
          orderId: mapping.orderId,
          orderName: null,
          eventTime: Math.floor(nowMs / 1000),
          payload: null,
          matchKeys: [],
          status: "dead",
          statusReason: `invalid order payload: ${mapping.reason}`,
        },
      ],
      nowMs,
    );
  } else {
    const disabled = config !== null && !config.enabled;
    const status: "skipped" | "pending" | "held" =
      mapping.kind === "skipped" || disabled ? "skipped" : configured ? "pending" : "held";
    outcome = disabled
      ? INGEST_OUTCOME.disabled
      : mapping.kind === "skipped"
        ? INGEST_OUTCOME.skipped
        : configured
          ? INGEST_OUTCOME.queued
          : INGEST_OUTCOME.held;
    const statusReason = disabled ? "tracking is turned off for this shop" : mapping.kind === "skipped" ? mapping.reason : null;
    const rows = destinations.map((destination) => ({
      ...common,
      destination,
      eventId: mapping.eventId,
      provenance: mapping.provenance,
      orderId: mapping.orderId,
      orderName: mapping.orderName,
      eventTime: mapping.eventTime,
      payload: mapping.kind === "event" && !disabled ? mapping.event : null,
      matchKeys: mapping.kind === "event" ? mapping.matchKeys : [],
      status,
      statusReason,
    }));
    await deps.outbox.enqueue(rows, nowMs);
    if (status === "pending") await deps.queue.notify(shop, []);
  }

  await deps.receipts.record(shop, ORDERS_PAID, webhookId, nowMs);
  deps.logger.info({ shop, webhookId, outcome }, "orders/paid ingested");
  return outcome;
}
