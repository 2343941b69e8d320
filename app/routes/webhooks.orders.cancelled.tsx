import type { ActionFunctionArgs } from "@remix-run/node";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { handleOrdersCancelledDelivery, ORDERS_CANCELLED } from "../webhooks/order-adjustments-delivery.server";
import { answerToResponse, rawWebhookFromRequest, WebhookRejected, type RawWebhook } from "../webhooks/raw-webhook.server";

// orders/cancelled: recorded, never sent — Meta has no cancellation event (decision 0024). An order cancelled
// before its Purchase went out (cash on delivery sending on orders/create, a shop not yet configured) is not
// sent; a Purchase already sent stands. Shopify may deliver twice: a repeated webhook id stores nothing.
export async function action({ request }: ActionFunctionArgs) {
  let raw: RawWebhook;
  try {
    raw = await rawWebhookFromRequest(request);
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    getMetrics().recordWebhook(ORDERS_CANCELLED, webhookRejectionResult(error.answer.status), 0);
    return answerToResponse(error.answer);
  }
  return answerToResponse(await handleOrdersCancelledDelivery(raw));
}
