import { authenticate } from "../shopify/app.server";
import { normalizeShopDomain } from "../shops/shop-domain";
import { MAX_WEBHOOK_BYTES } from "./limits";
import { sameTopic } from "./raw-webhook.server";

// The edge of every webhook route: size and shape checks that must happen before or around
// authenticate.webhook (which verifies the HMAC over the raw body). Throws a Response on rejection,
// as Remix expects; nothing is stored for a rejected request.


export type VerifiedWebhook = { shop: string; topic: string; webhookId: string; payload: unknown };

function reject(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain" } });
}

/** `expectedTopic` in Shopify's REST form, e.g. "orders/paid"; the library reports "ORDERS_PAID". */
export async function verifyWebhook(request: Request, expectedTopic: string): Promise<VerifiedWebhook> {
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > MAX_WEBHOOK_BYTES) throw reject(413, "payload too large");

  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error;
    // A correctly signed body that is not JSON: the library's JSON.parse throws. Answer clearly, keep nothing.
    throw reject(400, "body is not valid JSON");
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().includes("json")) throw reject(415, "expected application/json");
  // The library reports ORDERS_PAID-style names; sameTopic compares across spellings.
  if (!sameTopic(String(context.topic), expectedTopic)) throw reject(400, `wrong topic for this route: ${String(context.topic)}`);
  if (!context.webhookId) throw reject(400, "missing X-Shopify-Webhook-Id");
  // One spelling per shop: the library hands the header back as sent, in any letter case.
  const shop = normalizeShopDomain(context.shop);
  if (shop === null) throw reject(400, "invalid shop domain");
  return { shop, topic: expectedTopic, webhookId: context.webhookId, payload: context.payload };
}
