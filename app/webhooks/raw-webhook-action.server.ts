import type { ActionFunctionArgs } from "@remix-run/node";
import type { ServicesProvider } from "../services";
import { webhookRejectionResult } from "../observability/webhook-result";
import { answerToResponse, rawWebhookFromRequest, WebhookRejected, type RawWebhook, type WebhookAnswer } from "./raw-webhook.server";

// The Remix `action` of a webhook route whose work is a raw handler (raw bytes in, an answer out): a
// delivery refused before its handler runs (bad signature, missing headers) is counted under its topic and
// answered as is; anything else the handler answers. One place, so every order topic's route is one line.
export function rawWebhookAction(
  topic: string,
  services: ServicesProvider<"metrics">,
  handle: (raw: RawWebhook) => Promise<WebhookAnswer>,
) {
  return async function action({ request }: ActionFunctionArgs): Promise<Response> {
    let raw: RawWebhook;
    try {
      raw = await rawWebhookFromRequest(request);
    } catch (error) {
      if (!(error instanceof WebhookRejected)) throw error;
      (await services()).metrics.recordWebhook(topic, webhookRejectionResult(error.answer.status), 0);
      return answerToResponse(error.answer);
    }
    return answerToResponse(await handle(raw));
  };
}
