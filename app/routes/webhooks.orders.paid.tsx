import type { ActionFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { ingestPaidOrder, ORDERS_PAID } from "../webhooks/ingest-paid-order.server";
import { verifyWebhook } from "../webhooks/verify-webhook.server";

// orders/paid → one outbox row per destination; the worker sends it to Meta later. Shopify retries
// deliveries and may send one twice, so ingestion is idempotent. An order we cannot map still gets a 200
// (and a failed row with the reason): a non-2xx would make Shopify retry the same bad payload for 4 hours.
export async function action({ request }: ActionFunctionArgs) {
  const started = performance.now();
  const metrics = getMetrics();
  const elapsed = () => (performance.now() - started) / 1000;
  let webhook;
  try {
    webhook = await verifyWebhook(request, ORDERS_PAID);
  } catch (error) {
    metrics.recordWebhook(ORDERS_PAID, webhookRejectionResult(error), elapsed());
    throw error;
  }
  const context = await getAppContext();
  const outcome = await ingestPaidOrder(context, { ...webhook, nowMs: Date.now() });
  metrics.recordWebhook(ORDERS_PAID, outcome, elapsed());
  return new Response(null, { status: 200 });
}
