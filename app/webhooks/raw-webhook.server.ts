import { createHmac, timingSafeEqual } from "node:crypto";
import { normalizeShopDomain } from "../shops/shop-domain";
import { MAX_WEBHOOK_BYTES } from "./limits";

// The edge of the orders/paid route, without the Fetch API: Shopify's webhook rule checked over the raw
// bytes. The rule is the one `authenticate.webhook` applies (shopify-api's webhooks.validate): HMAC-SHA256
// of the raw body with the app's API secret, base64, in X-Shopify-Hmac-Sha256; topic, shop domain, API
// version and webhook id headers all present. test/webhooks/raw-webhook.test.ts proves the two agree on
// every case. Why not call authenticate.webhook on the hottest path: docs/decisions/0008.

/** A delivery as it arrived: method, a header lookup (lower-case names) and the exact bytes Shopify signed. */
export type RawWebhook = { method: string; header(name: string): string | undefined; body: Buffer };

/** What a webhook route answers; the HTTP layer (Remix `action` or the webhook lane) writes it. */
export type WebhookAnswer = { status: number; text?: string };

export type AuthenticWebhook = { shop: string; topic: string; webhookId: string; apiVersion: string; payload: unknown };

export class WebhookRejected extends Error {
  constructor(readonly answer: WebhookAnswer) {
    super(answer.text ?? `webhook rejected with ${answer.status}`);
  }
}

const reject = (status: number, text: string) => new WebhookRejected({ status, text });

// An HMAC-SHA256 in base64: 32 bytes are 44 characters, the last one padding. Anything else cannot match.
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** True when the X-Shopify-Hmac-Sha256 value is shaped like a signature (base64 of exactly 32 bytes). */
export function wellFormedSignature(value: string | undefined): boolean {
  return value !== undefined && SIGNATURE_SHAPE.test(value);
}

const REQUIRED_HEADERS = ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"] as const;

export type HeaderVerdict = { ok: true; shop: string } | { ok: false; answer: WebhookAnswer };

/**
 * What can be judged from the headers alone, before a byte of the body is read: a signature that cannot be
 * one (401), a Shopify header missing (400), a shop that is not `<name>.myshopify.com` (400). The HTTP lane
 * runs this first, so a delivery that fails it costs no body buffer (docs/decisions/0019).
 */
export function checkWebhookHeaders(header: (name: string) => string | undefined): HeaderVerdict {
  if (!wellFormedSignature(header("x-shopify-hmac-sha256"))) return { ok: false, answer: { status: 401, text: "unauthorized" } };
  for (const name of REQUIRED_HEADERS) {
    if (!header(name)) return { ok: false, answer: { status: 400, text: "missing Shopify webhook headers" } };
  }
  const shop = normalizeShopDomain(header("x-shopify-shop-domain"));
  if (shop === null) return { ok: false, answer: { status: 400, text: "invalid shop domain" } };
  return { ok: true, shop };
}

/** Topic names compared in one form: "orders/paid", "ORDERS_PAID" and "orders_paid" are the same topic. */
export function sameTopic(a: string, b: string): boolean {
  const canonical = (name: string) => name.toUpperCase().replace(/[/.]/g, "_");
  return canonical(a) === canonical(b);
}

// Compared as base64 TEXT, as the library does: decoding the header first would accept variants (missing
// padding, trailing junk, a second header value joined by node:http) that Shopify never sends.
function signatureMatches(secret: string, body: Buffer, given: string): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64"));
  const provided = Buffer.from(given);
  return provided.length === expected.length && timingSafeEqual(provided, expected);
}

/**
 * Checks one delivery for `expectedTopic` and parses its JSON. Throws WebhookRejected — 405 not POST, 413
 * too large, 401 missing or wrong signature, 400 missing Shopify headers / wrong topic / not JSON, 415 not
 * JSON content — and nothing about a rejected delivery is stored by anyone.
 */
export function authenticateRawWebhook(raw: RawWebhook, secret: string, expectedTopic: string): AuthenticWebhook {
  if (raw.method !== "POST") throw reject(405, "method not allowed");
  if (raw.body.length > MAX_WEBHOOK_BYTES) throw reject(413, "payload too large");
  const hmac = raw.header("x-shopify-hmac-sha256");
  if (!hmac || raw.body.length === 0 || !signatureMatches(secret, raw.body, hmac)) throw reject(401, "unauthorized");

  const headers = checkWebhookHeaders(raw.header);
  if (!headers.ok) throw new WebhookRejected(headers.answer);
  const topic = raw.header("x-shopify-topic") ?? "";
  const apiVersion = raw.header("x-shopify-api-version") ?? "";
  const webhookId = raw.header("x-shopify-webhook-id") ?? "";
  // The shop in its one canonical spelling: `My-Shop.myshopify.com` and `my-shop.myshopify.com` are one shop.
  const shop = headers.shop;

  let payload: unknown;
  try {
    payload = JSON.parse(raw.body.toString("utf8"));
  } catch {
    throw reject(400, "body is not valid JSON");
  }
  if (!(raw.header("content-type") ?? "").toLowerCase().includes("json")) throw reject(415, "expected application/json");
  if (!sameTopic(topic, expectedTopic)) throw reject(400, `wrong topic for this route: ${topic}`);
  return { shop, topic: expectedTopic, webhookId, apiVersion, payload };
}

/** The Remix side: a Fetch `Request` read into a RawWebhook (tests and the admin server use this path). */
export async function rawWebhookFromRequest(request: Request): Promise<RawWebhook> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) throw reject(413, "payload too large");
  const body = request.method === "POST" ? Buffer.from(await request.arrayBuffer()) : Buffer.alloc(0);
  return { method: request.method, header: (name) => request.headers.get(name) ?? undefined, body };
}

export function answerToResponse(answer: WebhookAnswer): Response {
  return new Response(answer.text ?? null, answer.text ? { status: answer.status, headers: { "Content-Type": "text/plain" } } : { status: answer.status });
}
