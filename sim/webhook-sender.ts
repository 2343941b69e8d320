import { createHmac, randomUUID } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";

// Shopify-style webhook deliveries (docs/shopify-platform-facts.md, "Webhook deliveries"): HMAC-SHA256 of the RAW
// body, keyed with the app's client secret, base64 in X-Shopify-Hmac-Sha256.

export const DEFAULT_WEBHOOK_API_VERSION = "2025-10";

export type WebhookOptions = {
  url: string;
  topic: string;
  shop: string;
  body: object | string;
  secret: string;
  webhookId?: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: string | Date;
  // Sign with a different key, as a forged or mis-keyed delivery would be.
  forgeHmac?: boolean;
};

export function signShopifyBody(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

export function buildWebhookHeaders(
  options: Omit<WebhookOptions, "url" | "body">,
  rawBody: string,
): Record<string, string> {
  const key = options.forgeHmac === true ? `${options.secret}-forged` : options.secret;
  const triggeredAt = options.triggeredAt ?? new Date();
  return {
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": options.topic,
    "X-Shopify-Hmac-Sha256": signShopifyBody(rawBody, key),
    "X-Shopify-Shop-Domain": options.shop,
    "X-Shopify-API-Version": options.apiVersion ?? DEFAULT_WEBHOOK_API_VERSION,
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": options.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": typeof triggeredAt === "string" ? triggeredAt : triggeredAt.toISOString(),
  };
}

export function rawWebhookBody(body: object | string): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

export function buildWebhookRequest(options: WebhookOptions): Request {
  const rawBody = rawWebhookBody(options.body);
  return new Request(options.url, { method: "POST", headers: buildWebhookHeaders(options, rawBody), body: rawBody });
}

export function sendWebhook(options: WebhookOptions): Promise<Response> {
  return fetch(buildWebhookRequest(options));
}

export type WebhookSendOptions = Omit<WebhookOptions, "url" | "topic" | "shop" | "body" | "secret"> & {
  // Route on the app; defaults to /webhooks/<topic> (one route file per topic).
  path?: string;
};

export type WebhookClient = {
  send(topic: string, shop: string, body: object | string, opts?: WebhookSendOptions): Promise<{ status: number; ms: number }>;
  close(): void;
};

// Keep-alive sockets, so a benchmark measures the app rather than TCP handshakes.
export function createWebhookClient(config: { baseUrl: string; secret: string; maxSockets?: number }): WebhookClient {
  const agent = new Agent({ keepAlive: true, maxSockets: config.maxSockets ?? 64 });
  return {
    send(topic, shop, body, opts = {}) {
      const rawBody = rawWebhookBody(body);
      const headers = buildWebhookHeaders({ ...opts, topic, shop, secret: config.secret }, rawBody);
      const target = new URL(opts.path ?? `/webhooks/${topic}`, config.baseUrl);
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          target,
          { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(rawBody)) } },
          (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(rawBody);
      });
    },
    close: () => agent.destroy(),
  };
}
