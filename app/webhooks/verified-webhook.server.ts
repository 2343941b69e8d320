import type { Services, ServicesProvider } from "../services";
import { webhookRejectionResult } from "../observability/webhook-result";
import { authenticateRawWebhook, WebhookRejected, type AuthenticWebhook, type RawWebhook, type WebhookAnswer } from "./raw-webhook.server";
import { countingWebhook } from "./webhook-pressure.server";

/** What a topic's work returns: the result the webhook metric records, and the answer Shopify gets. */
export type WebhookWork = { outcome: string; answer: WebhookAnswer };

// Every raw webhook topic takes the same road: counted as in flight (the delivery thread steps aside), the
// signature and headers checked, then the topic's own work; each delivery is timed and recorded under its
// topic, a refused one with its refusal. The caller says where the process's services come from (a route or
// the entry gives the composition root's getAppContext); they are awaited inside the count.
export function answerVerifiedWebhook(
  services: ServicesProvider,
  raw: RawWebhook,
  topic: string,
  work: (context: Services, webhook: AuthenticWebhook) => Promise<WebhookWork>,
): Promise<WebhookAnswer> {
  return countingWebhook(async () => {
    const started = performance.now();
    const context = await services();
    const metrics = context.metrics;
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
