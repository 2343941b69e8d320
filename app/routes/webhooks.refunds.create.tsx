import type { ActionFunctionArgs } from "@remix-run/node";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { handleRefundsCreateDelivery, REFUNDS_CREATE } from "../webhooks/order-adjustments-delivery.server";
import { answerToResponse, rawWebhookFromRequest, WebhookRejected, type RawWebhook } from "../webhooks/raw-webhook.server";

// refunds/create: the money returned is recorded for Activity and Health, never sent — Meta has no refund
// event, and a Purchase it counted cannot be taken back (decision 0024). A repeated webhook id stores nothing.
export async function action({ request }: ActionFunctionArgs) {
  let raw: RawWebhook;
  try {
    raw = await rawWebhookFromRequest(request);
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    getMetrics().recordWebhook(REFUNDS_CREATE, webhookRejectionResult(error.answer.status), 0);
    return answerToResponse(error.answer);
  }
  return answerToResponse(await handleRefundsCreateDelivery(raw));
}
