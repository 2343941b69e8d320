import type { ActionFunctionArgs } from "@remix-run/node";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { ORDERS_CREATE } from "../webhooks/ingest-paid-order.server";
import { handleOrdersCreateDelivery } from "../webhooks/orders-paid-delivery.server";
import { answerToResponse, rawWebhookFromRequest, WebhookRejected, type RawWebhook } from "../webhooks/raw-webhook.server";

// orders/create: for shops that send the Purchase when the order is placed (cash on delivery) rather than
// when it is paid, a setting (decision 0015). Every shop gets this topic; for the others it stores nothing.
// Whichever of orders/create and orders/paid arrives first, the order yields one event.
export async function action({ request }: ActionFunctionArgs) {
  let raw: RawWebhook;
  try {
    raw = await rawWebhookFromRequest(request);
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    getMetrics().recordWebhook(ORDERS_CREATE, webhookRejectionResult(error.answer.status), 0);
    return answerToResponse(error.answer);
  }
  return answerToResponse(await handleOrdersCreateDelivery(raw));
}
