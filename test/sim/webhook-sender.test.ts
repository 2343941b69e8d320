import "@shopify/shopify-api/adapters/web-api";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWebhookRequest, createWebhookClient, sendWebhook, signShopifyBody } from "../../sim/webhook-sender";

const SECRET = "shpss_test_secret";
const SHOP = "tandem-test.myshopify.com";
const ORDER = { id: 5551234, checkout_token: "abc", total_price: "49.90", note: "Grüße ✓" };

// WebCrypto rather than node:crypto's createHmac: an independent path to the same HMAC.
async function webCryptoHmacBase64(body: string, secret: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
  return Buffer.from(signature).toString("base64");
}

const shopify = shopifyApi({
  apiKey: "test-api-key",
  apiSecretKey: SECRET,
  scopes: ["read_orders"],
  hostName: "localhost:3000",
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => {} },
});

describe("signShopifyBody", () => {
  it("matches an HMAC-SHA256 computed independently with WebCrypto, over UTF-8 bytes", async () => {
    const raw = JSON.stringify(ORDER);
    expect(signShopifyBody(raw, SECRET)).toBe(await webCryptoHmacBase64(raw, SECRET));
  });

  it("changes when one byte of the body changes", () => {
    expect(signShopifyBody('{"a":1}', SECRET)).not.toBe(signShopifyBody('{"a":2}', SECRET));
  });
});

describe("buildWebhookRequest", () => {
  it("builds a request that Shopify's own library validates", async () => {
    const request = buildWebhookRequest({
      url: "http://127.0.0.1:3000/webhooks/orders/paid", topic: "orders/paid", shop: SHOP, body: ORDER, secret: SECRET,
      webhookId: "wh-1", eventId: "ev-1", apiVersion: "2025-10", triggeredAt: "2026-10-01T12:00:00.000Z",
    });
    const rawBody = await request.clone().text();
    const result = await shopify.webhooks.validate({ rawBody, rawRequest: request });
    // The library reports topics in their GraphQL enum form.
    expect(result).toMatchObject({
      valid: true, topic: "ORDERS_PAID", domain: SHOP, apiVersion: "2025-10", webhookId: "wh-1", eventId: "ev-1",
      triggeredAt: "2026-10-01T12:00:00.000Z",
    });
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.headers.get("x-shopify-hmac-sha256")).toBe(await webCryptoHmacBase64(rawBody, SECRET));
  });

  it("signs a string body verbatim, whitespace included", async () => {
    const raw = '{ "id": 1,\n  "x": "y" }';
    const request = buildWebhookRequest({ url: "http://127.0.0.1/", topic: "orders/paid", shop: SHOP, body: raw, secret: SECRET });
    expect(await request.text()).toBe(raw);
    expect(request.headers.get("x-shopify-hmac-sha256")).toBe(await webCryptoHmacBase64(raw, SECRET));
  });

  it("produces a signature Shopify's library rejects when forgeHmac is set", async () => {
    const request = buildWebhookRequest({
      url: "http://127.0.0.1/", topic: "orders/paid", shop: SHOP, body: ORDER, secret: SECRET, forgeHmac: true,
    });
    const rawBody = await request.clone().text();
    expect(await shopify.webhooks.validate({ rawBody, rawRequest: request })).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("gives each delivery a fresh webhook id unless one is given", () => {
    const options = { url: "http://127.0.0.1/", topic: "orders/paid", shop: SHOP, body: ORDER, secret: SECRET };
    const first = buildWebhookRequest(options).headers.get("x-shopify-webhook-id");
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(buildWebhookRequest(options).headers.get("x-shopify-webhook-id")).not.toBe(first);
  });
});

describe("delivery over loopback", () => {
  type Received = { url: string; headers: IncomingHttpHeaders; body: string; socketPort: number };
  let server: Server;
  let baseUrl: string;
  let received: Received[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({
          url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"),
          socketPort: req.socket.remotePort ?? 0,
        });
        res.writeHead(req.headers["x-shopify-hmac-sha256"] === signShopifyBody(Buffer.concat(chunks).toString("utf8"), SECRET) ? 200 : 401);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  beforeEach(() => { received = []; });

  it("sendWebhook posts the signed raw body with every Shopify header", async () => {
    const res = await sendWebhook({ url: `${baseUrl}/webhooks/orders/paid`, topic: "orders/paid", shop: SHOP, body: ORDER, secret: SECRET });
    expect(res.status).toBe(200);
    const [delivery] = received;
    expect(delivery.url).toBe("/webhooks/orders/paid");
    expect(delivery.body).toBe(JSON.stringify(ORDER));
    for (const header of ["x-shopify-topic", "x-shopify-hmac-sha256", "x-shopify-shop-domain", "x-shopify-api-version",
      "x-shopify-webhook-id", "x-shopify-event-id", "x-shopify-triggered-at"]) {
      expect(delivery.headers[header]).toBeTruthy();
    }
    expect(Date.parse(String(delivery.headers["x-shopify-triggered-at"]))).not.toBeNaN();
  });

  it("the keep-alive client reuses one socket and reports status and timing", async () => {
    const client = createWebhookClient({ baseUrl, secret: SECRET });
    try {
      const first = await client.send("orders/paid", SHOP, ORDER);
      const second = await client.send("orders/paid", SHOP, ORDER, { forgeHmac: true, path: "/custom" });
      expect(first.status).toBe(200);
      expect(second.status).toBe(401);
      expect(first.ms).toBeGreaterThan(0);
      expect(received.map((item) => item.url)).toEqual(["/webhooks/orders/paid", "/custom"]);
      expect(received[0].socketPort).toBe(received[1].socketPort);
    } finally {
      client.close();
    }
  });
});
