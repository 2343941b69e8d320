import { getAppContext } from "../context.server";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { ingestPaidOrder, ORDERS_CREATE, ORDERS_PAID, type OrderTopic } from "./ingest-paid-order.server";
import { countingWebhook } from "./webhook-pressure.server";
import { authenticateRawWebhook, WebhookRejected, type RawWebhook, type WebhookAnswer } from "./raw-webhook.server";

// One orders/paid delivery, from raw bytes to the answer. The hottest path in the app: the production server
// calls this straight from node:http (server/webhook-lane.ts, through entry.server's `webhookHandlers`);
// the Remix route app/routes/webhooks.orders.paid.tsx is the same code behind a Fetch Request.
// Shopify retries deliveries and may send one twice, so ingestion is idempotent. An order we cannot map
// still gets a 200 (and a failed row with the reason): a non-2xx would make Shopify retry the same bad
// payload for 4 hours.

export function handleOrdersPaidDelivery(raw: RawWebhook): Promise<WebhookAnswer> {
  return countingWebhook(() => answerOrderWebhook(raw, ORDERS_PAID));
}

/** orders/create: the same path; it stores something only for shops that send when the order is placed. */
export function handleOrdersCreateDelivery(raw: RawWebhook): Promise<WebhookAnswer> {
  return countingWebhook(() => answerOrderWebhook(raw, ORDERS_CREATE));
}

async function answerOrderWebhook(raw: RawWebhook, topic: OrderTopic): Promise<WebhookAnswer> {
  const started = performance.now();
  const metrics = getMetrics();
  const context = await getAppContext();
  let webhook;
  try {
    webhook = authenticateRawWebhook(raw, context.env.SHOPIFY_API_SECRET, topic);
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    metrics.recordWebhook(topic, webhookRejectionResult(error.answer.status), (performance.now() - started) / 1000);
    return error.answer;
  }
  const outcome = await ingestPaidOrder(context, { shop: webhook.shop, webhookId: webhook.webhookId, payload: webhook.payload, nowMs: Date.now(), topic });
  metrics.recordWebhook(topic, outcome, (performance.now() - started) / 1000);
  return { status: 200 };
}

