import { getAppContext, type AppContext } from "../context.server";
import { getMetrics } from "../observability/metrics.server";
import { webhookRejectionResult } from "../observability/webhook-result";
import { authenticateRawWebhook, WebhookRejected, type AuthenticWebhook, type RawWebhook, type WebhookAnswer } from "./raw-webhook.server";
import { countingWebhook } from "./webhook-pressure.server";

/** What a topic's work returns: the result the webhook metric records, and the answer Shopify gets. */
export type WebhookWork = { outcome: string; answer: WebhookAnswer };

// Every raw webhook topic takes the same road: counted as in flight (the delivery thread steps aside), the
// signature and headers checked, then the topic's own work; each delivery is timed and recorded under its
// topic, a refused one with its refusal.
export function answerVerifiedWebhook(
  raw: RawWebhook,
  topic: string,
  work: (context: AppContext, webhook: AuthenticWebhook) => Promise<WebhookWork>,
): Promise<WebhookAnswer> {
  return countingWebhook(async () => {
    const started = performance.now();
    const metrics = getMetrics();
    const context = await getAppContext();
    let webhook: AuthenticWebhook;
    try {
      webhook = authenticateRawWebhook(raw, context.env.SHOPIFY_API_SECRET, topic);
    } catch (error) {
      if (!(error instanceof WebhookRejected)) throw error;
      metrics.recordWebhook(topic, webhookRejectionResult(error.answer.status), (performance.now() - started) / 1000);
      return error.answer;
    }
    const { outcome, answer } = await work(context, webhook);
    metrics.recordWebhook(topic, outcome, (performance.now() - started) / 1000);
    return answer;
  });
}
