import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS, ORDER_KIND, type PurchaseMapping } from "../tracking/purchase-from-order";
import type { NewDelivery } from "../db/outbox-types";
import type { OrderClaim } from "../db/ingest-writes.server";
import type { BrowserTwin } from "../db/browser-ledger-ingest.server";
import { outboxRowsFor, type MappedPurchase } from "./outbox-rows";
import type { Services } from "../services";
import { isShopConfigured } from "../db/shops.server";
import { nodeSha256 } from "../lib/node-sha256.server";
import { metaDestination, UNCONFIGURED_DESTINATION } from "../destinations/destination-key";

// orders/paid (and orders/create, for shops that send when the order is placed) → outbox rows. Runs inside the
// webhook request, so it does only local work: map + hash → store rows with the webhook's receipt (a
// re-delivery stores nothing). Meta is called later by the worker, never here.

export const ORDERS_PAID = "orders/paid";
export const ORDERS_CREATE = "orders/create";
export type OrderTopic = typeof ORDERS_PAID | typeof ORDERS_CREATE;

export const INGEST_OUTCOME = {
  queued: "queued",
  held: "held",
  skipped: "skipped",
  invalid: "invalid",
  duplicateDelivery: "duplicate_delivery",
  disabled: "disabled",
  /** orders/create for a shop that sends when the order is paid: nothing to store. */
  notThisTopic: "not_this_topic",
} as const;
export type IngestOutcome = (typeof INGEST_OUTCOME)[keyof typeof INGEST_OUTCOME];

type Deps = Pick<Services, "shopConfigs" | "ingestWrites" | "queue" | "logger">;

/** `topic` defaults to orders/paid. */
export type PaidOrderDelivery = { shop: string; webhookId: string; payload: unknown; nowMs: number; topic?: OrderTopic };

export async function ingestPaidOrder(deps: Deps, delivery: PaidOrderDelivery): Promise<IngestOutcome> {
  const { shop, webhookId, payload, nowMs } = delivery;
  const topic = delivery.topic ?? ORDERS_PAID;
  const config = await deps.shopConfigs.getShop(shop);
  const settings = config?.settings ?? DEFAULT_PURCHASE_SETTINGS;
  // Both topics may arrive for one order; the shop's setting says which one sends. The other stores nothing
  // (and were both to store, the order's claim on its event id would still keep it to one event).
  if ((topic === ORDERS_CREATE) !== (settings.sendOn === "created")) return INGEST_OUTCOME.notThisTopic;
  const mapping = await buildPurchaseFromOrder(payload, {
    nowMs,
    placedNow: topic === ORDERS_CREATE,
    settings,
    storefrontUrl: config?.storefrontUrl ?? `https://${shop}`,
    sha256: nodeSha256,
  });
  const configured = isShopConfigured(config);
  const destinations = configured ? config.pixelIds.map(metaDestination) : [UNCONFIGURED_DESTINATION];

  let outcome: IngestOutcome;
  let rows: NewDelivery[];
  let claim: OrderClaim | null = null;
  let browser: BrowserTwin | null = null;
  let pending = false;
  if (mapping.kind === "invalid") {
    outcome = INGEST_OUTCOME.invalid;
    rows = [invalidRow(shop, destinations[0] ?? UNCONFIGURED_DESTINATION, webhookId, mapping, nowMs)];
  } else {
    const decision = decide(mapping, config === null ? null : config.enabled, configured);
    outcome = decision.outcome;
    rows = outboxRowsFor(mapping, { shop, destinations, nowMs, ...decision });
    claim = { eventName: mapping.eventName, eventId: mapping.eventId, orderId: mapping.orderId, fallbackEventId: mapping.fallbackEventId };
    browser = browserTwinOf(payload, mapping);
    pending = decision.status === "pending";
  }

  // Receipt and rows are stored together (and with other webhooks arriving at the same moment). A repeated
  // webhook id stores nothing; the order's claim on its event id (decision 0015) keeps the same order under a
  // new webhook id to one event, and gives an order whose id another order owns an id of its own.
  // A Purchase a browser was at takes the id the browser reported for its checkout, or waits briefly for that
  // report (decision 0029, app/db/browser-ledger-ingest.server.ts).
  const fresh = await deps.ingestWrites.submit({ shop, topic, webhookId, rows, claim, browser });
  if (!fresh) return INGEST_OUTCOME.duplicateDelivery;
  if (pending) await deps.queue.notify(shop);
  deps.logger.info({ shop, webhookId, topic, outcome }, `${topic} ingested`);
  return outcome;
}

/**
 * The checkout a browser Purchase could have come from: a web order with a checkout token and the shopper
 * present. Renewals and app-created orders (no shopper) have no browser twin, whatever their token.
 */
function browserTwinOf(payload: unknown, mapping: MappedPurchase): BrowserTwin | null {
  if (mapping.eventName !== "Purchase" || mapping.orderKind === ORDER_KIND.noShopper) return null;
  const token = typeof payload === "object" && payload !== null && "checkout_token" in payload ? payload.checkout_token : null;
  if (typeof token !== "string" || token.trim() === "") return null;
  return { checkoutToken: token.trim() };
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
