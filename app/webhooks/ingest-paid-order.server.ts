import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS, type PurchaseMapping } from "../tracking/purchase-from-order";
import type { NewDelivery } from "../db/outbox-types";
import { outboxRowsFor, type MappedPurchase } from "./outbox-rows";
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

  let outcome: IngestOutcome;
  if (mapping.kind === "invalid") {
    outcome = INGEST_OUTCOME.invalid;
    await deps.outbox.enqueue([invalidRow(shop, destinations[0] ?? UNCONFIGURED_DESTINATION, webhookId, mapping, nowMs)], nowMs);
  } else {
    const decision = decide(mapping, config === null ? null : config.enabled, configured);
    outcome = decision.outcome;
    await deps.outbox.enqueue(outboxRowsFor(mapping, { shop, destinations, nowMs, ...decision }), nowMs);
    if (decision.status === "pending") await deps.queue.notify(shop, []);
  }

  await deps.receipts.record(shop, ORDERS_PAID, webhookId, nowMs);
  deps.logger.info({ shop, webhookId, outcome }, "orders/paid ingested");
  return outcome;
}

type Decision = { status: "pending" | "held" | "skipped"; statusReason: string | null; outcome: IngestOutcome };

/** What happens to a mappable order: sent, held until the shop is configured, or recorded as skipped. */
function decide(mapping: MappedPurchase, enabled: boolean | null, configured: boolean): Decision {
  if (enabled === false) return { status: "skipped", statusReason: "tracking is turned off for this shop", outcome: INGEST_OUTCOME.disabled };
  if (mapping.kind === "skipped") return { status: "skipped", statusReason: mapping.reason, outcome: INGEST_OUTCOME.skipped };
  if (!configured) return { status: "held", statusReason: null, outcome: INGEST_OUTCOME.held };
  return { status: "pending", statusReason: null, outcome: INGEST_OUTCOME.queued };
}

/** An order that cannot be mapped is kept as a dead row with the reason, so the merchant sees it. */
function invalidRow(
  shop: string,
  destination: string,
  webhookId: string,
  mapping: Extract<PurchaseMapping, { kind: "invalid" }>,
  nowMs: number,
): NewDelivery {
  return {
    shop,
    destination,
    eventName: "Purchase",
    eventId: mapping.orderId ? `invalid_order_${mapping.orderId}` : `invalid_webhook_${webhookId}`,
    provenance: "order_id",
    orderId: mapping.orderId,
    orderName: null,
    eventTime: Math.floor(nowMs / 1000),
    payload: null,
    matchKeys: [],
    status: "dead",
    statusReason: `invalid order payload: ${mapping.reason}`,
    nextAttemptAt: nowMs,
  };
}
