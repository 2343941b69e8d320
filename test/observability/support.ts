import { Writable } from "node:stream";
import { action as ordersPaid } from "../../app/routes/webhooks.orders.paid";
import { buildWebhookRequest } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { responseOf } from "../support/thrown-response";

export const SHOP = "observed-shop.myshopify.com";
export const PIXEL = "4445556667778";
export const META_TOKEN = "EAAObservabilityToken123";

/** Calls the real orders/paid route with a signed (or forged) request; a thrown Response is returned. */
export async function deliverPaidOrder(body: object, opts: { webhookId?: string; forgeHmac?: boolean } = {}): Promise<Response> {
  const request = buildWebhookRequest({
    url: "http://localhost:3000/webhooks/orders/paid",
    topic: "orders/paid",
    shop: SHOP,
    body,
    secret: TEST_SECRET,
    webhookId: opts.webhookId,
    forgeHmac: opts.forgeHmac,
  });
  return responseOf(ordersPaid({ request, params: {}, context: {} }));
}

/** A pino destination that keeps every line, for asserting on what the app logs. */
export function captureLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

/** The value of one sample in Prometheus text, e.g. sample(text, 'tandem_webhooks_total{topic="orders/paid",result="queued"}'). */
export function sample(text: string, series: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
