import { ingestPaidOrder, ORDERS_CREATE, ORDERS_PAID, type OrderTopic } from "./ingest-paid-order.server";
import type { RawWebhook, WebhookAnswer } from "./raw-webhook.server";
import type { ServicesProvider } from "../services";
import { answerVerifiedWebhook } from "./verified-webhook.server";

// One orders/paid delivery, from raw bytes to the answer. The hottest path in the app: the production server
// calls this straight from node:http (server/webhook-lane.ts, through entry.server's `webhookHandlers`);
// the Remix route app/routes/webhooks.orders.paid.tsx is the same code behind a Fetch Request.
// Shopify retries deliveries and may send one twice, so ingestion is idempotent. An order we cannot map
// still gets a 200 (and a failed row with the reason): a non-2xx would make Shopify retry the same bad
// payload for 4 hours.

export function handleOrdersPaidDelivery(services: ServicesProvider, raw: RawWebhook): Promise<WebhookAnswer> {
  return answerOrderWebhook(services, raw, ORDERS_PAID);
}

/** orders/create: the same path; it stores something only for shops that send when the order is placed. */
export function handleOrdersCreateDelivery(services: ServicesProvider, raw: RawWebhook): Promise<WebhookAnswer> {
  return answerOrderWebhook(services, raw, ORDERS_CREATE);
}

function answerOrderWebhook(services: ServicesProvider, raw: RawWebhook, topic: OrderTopic): Promise<WebhookAnswer> {
  return answerVerifiedWebhook(services, raw, topic, async (context, webhook) => {
    const outcome = await ingestPaidOrder(context, { shop: webhook.shop, webhookId: webhook.webhookId, payload: webhook.payload, nowMs: Date.now(), topic });
    return { outcome, answer: { status: 200 } };
  });
}
