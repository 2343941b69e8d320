import type { ActionFunctionArgs } from "@remix-run/node";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { ORDERS_PAID } from "../webhooks/ingest-paid-order.server";
import { handleOrdersPaidDelivery } from "../webhooks/orders-paid-delivery.server";
import { answerToResponse, rawWebhookFromRequest, WebhookRejected, type RawWebhook } from "../webhooks/raw-webhook.server";

// orders/paid → one outbox row per destination (app/webhooks/orders-paid-delivery.server.ts); the worker
// sends it to Meta later. The production server answers deliveries without this Remix wrapper (see
// server/webhook-lane.ts); tests and `remix dev` come through here.
export async function action({ request }: ActionFunctionArgs) {
  let raw: RawWebhook;
  try {
    raw = await rawWebhookFromRequest(request);
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    getMetrics().recordWebhook(ORDERS_PAID, webhookRejectionResult(error.answer.status), 0);
    return answerToResponse(error.answer);
  }
  return answerToResponse(await handleOrdersPaidDelivery(raw));
}
