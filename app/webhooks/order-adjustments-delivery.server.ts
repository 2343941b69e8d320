import type { Services, ServicesProvider } from "../services";
import { createOrderAdjustments } from "../db/order-adjustments.server";
import { parseCancellation, parseRefund, type ParsedAdjustment } from "./order-adjustments";
import type { RawWebhook, WebhookAnswer } from "./raw-webhook.server";
import { answerVerifiedWebhook } from "./verified-webhook.server";

// orders/cancelled and refunds/create, from raw bytes to the answer (decision 0024). Meta has no refund or
// cancellation event, so nothing is sent: the adjustment is recorded for Activity and Health, and an order
// cancelled before its Purchase went out is not sent. Local work only, one write transaction. A payload that
// names no order gets a 200 (a non-2xx would have Shopify retry the same bytes for hours), its receipt, a
// warning in the log and the `invalid` result in the webhook metrics.

export const ORDERS_CANCELLED = "orders/cancelled";
export const REFUNDS_CREATE = "refunds/create";
export type AdjustmentTopic = typeof ORDERS_CANCELLED | typeof REFUNDS_CREATE;

export const ADJUSTMENT_OUTCOME = {
  recorded: "recorded",
  /** A cancellation that stopped a Purchase not yet sent. */
  stopped: "stopped",
  /** The same cancellation or refund under another webhook id: nothing new. */
  alreadyRecorded: "already_recorded",
  duplicateDelivery: "duplicate_delivery",
  invalid: "invalid",
} as const;
export type AdjustmentOutcome = (typeof ADJUSTMENT_OUTCOME)[keyof typeof ADJUSTMENT_OUTCOME];

const PARSERS: Record<AdjustmentTopic, (payload: unknown, nowMs: number) => ParsedAdjustment> = {
  [ORDERS_CANCELLED]: parseCancellation,
  [REFUNDS_CREATE]: parseRefund,
};

type Deps = Pick<Services, "database" | "logger">;

export type AdjustmentDelivery = { shop: string; topic: AdjustmentTopic; webhookId: string; payload: unknown; nowMs: number };

/** Records one authentic delivery; returns its outcome (and, for an invalid payload, why). */
export async function ingestOrderAdjustment(deps: Deps, delivery: AdjustmentDelivery): Promise<{ outcome: AdjustmentOutcome; reason?: string }> {
  const { shop, topic, webhookId, payload, nowMs } = delivery;
  const store = createOrderAdjustments(deps.database);
  const parsed = PARSERS[topic](payload, nowMs);
  if (!parsed.ok) {
    const fresh = await store.recordReceipt(shop, topic, webhookId, nowMs);
    if (fresh) deps.logger.warn({ shop, webhookId, topic, orderId: parsed.orderId, reason: parsed.reason }, `${topic} not recorded: ${parsed.reason}`);
    return { outcome: fresh ? ADJUSTMENT_OUTCOME.invalid : ADJUSTMENT_OUTCOME.duplicateDelivery, reason: parsed.reason };
  }
  const result = await store.record({ shop, topic, webhookId, adjustment: parsed.adjustment }, nowMs);
  if (!result.fresh) return { outcome: ADJUSTMENT_OUTCOME.duplicateDelivery };
  const outcome = !result.stored ? ADJUSTMENT_OUTCOME.alreadyRecorded : result.stopped > 0 ? ADJUSTMENT_OUTCOME.stopped : ADJUSTMENT_OUTCOME.recorded;
  deps.logger.info({ shop, webhookId, topic, orderId: parsed.adjustment.orderId, purchase: result.purchase, stopped: result.stopped, outcome }, `${topic} recorded`);
  return { outcome };
}

function answerAdjustmentWebhook(services: ServicesProvider, raw: RawWebhook, topic: AdjustmentTopic): Promise<WebhookAnswer> {
  return answerVerifiedWebhook(services, raw, topic, async (context, webhook) => {
    const { outcome, reason } = await ingestOrderAdjustment(context, { shop: webhook.shop, topic, webhookId: webhook.webhookId, payload: webhook.payload, nowMs: Date.now() });
    const answer = outcome === ADJUSTMENT_OUTCOME.invalid ? { status: 200, text: `not recorded: ${reason ?? "invalid payload"}` } : { status: 200 };
    return { outcome, answer };
  });
}

export function handleOrdersCancelledDelivery(services: ServicesProvider, raw: RawWebhook): Promise<WebhookAnswer> {
  return answerAdjustmentWebhook(services, raw, ORDERS_CANCELLED);
}

export function handleRefundsCreateDelivery(services: ServicesProvider, raw: RawWebhook): Promise<WebhookAnswer> {
  return answerAdjustmentWebhook(services, raw, REFUNDS_CREATE);
}
