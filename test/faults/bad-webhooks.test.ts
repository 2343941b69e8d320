import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureShop } from "../../app/shops/configure-shop.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { buildWebhookHeaders, signShopifyBody } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { startHttpApp, type HttpApp } from "../scale/http-app";
import { waitFor } from "../support/wait";

// Hostile and broken orders/paid requests against the real HTTP server: each gets a clear 4xx (or, for a
// well-formed request whose order cannot be mapped, a 200 and a recorded failure), the server stays up, and
// another shop's orders keep flowing through the same process.

const BAD_SHOP = "broken-shop.myshopify.com";
const GOOD_SHOP = "healthy-shop.myshopify.com";
const PIXEL = "666666666666666";
const GOOD_PIXEL = "777777777777777";

let app: HttpApp;
beforeAll(async () => {
  app = await startHttpApp({ [PIXEL]: "EAAB-bad", [GOOD_PIXEL]: "EAAB-good" });
  await configureShop(app.context, BAD_SHOP, { pixelIds: [PIXEL], accessToken: "EAAB-bad" }, Date.now());
  await configureShop(app.context, GOOD_SHOP, { pixelIds: [GOOD_PIXEL], accessToken: "EAAB-good" }, Date.now());
});
afterAll(async () => {
  await app?.close();
});

type Raw = { body: string | Buffer; topic?: string; contentType?: string; signedBody?: string; webhookId: string };

async function post(raw: Raw): Promise<{ status: number; text: string }> {
  const bodyText = typeof raw.body === "string" ? raw.body : raw.body.toString("utf8");
  const headers = buildWebhookHeaders({ topic: raw.topic ?? "orders/paid", shop: BAD_SHOP, secret: TEST_SECRET, webhookId: raw.webhookId }, bodyText);
  if (raw.signedBody !== undefined) headers["X-Shopify-Hmac-Sha256"] = signShopifyBody(raw.signedBody, TEST_SECRET);
  if (raw.contentType !== undefined) headers["Content-Type"] = raw.contentType;
  // One connection per request, closed after the answer: a refused upload must not linger as a keep-alive
  // socket (the server answers 413 without reading the rest of the body).
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.baseUrl}/webhooks/orders/paid`,
      { method: "POST", agent: false, headers: { ...headers, "Content-Length": String(Buffer.byteLength(raw.body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    // The server may answer before it has read the whole body; a reset after the answer is expected.
    req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
    req.end(raw.body);
  });
}

async function goodOrderStillFlows(n: number): Promise<void> {
  const order = JSON.stringify(numberedOrder(n, { processed_at: new Date(Date.now() - 60_000).toISOString() }));
  const result = await app.client.send("orders/paid", GOOD_SHOP, order, { webhookId: `good-${n}` });
  expect(result.status).toBe(200);
}

const validOrder = JSON.stringify(numberedOrder(1, { processed_at: new Date().toISOString() }));

describe("broken and hostile webhook bodies", () => {
  it("answers malformed JSON with 400 and stores nothing", async () => {
    const result = await post({ body: '{"id": 1, "line_items": [', webhookId: "bad-json" });
    expect(result).toEqual({ status: 400, text: "body is not valid JSON" });
    await goodOrderStillFlows(1);
  });

  it("rejects a body truncated in transit (signature no longer matches) with 401", async () => {
    const result = await post({ body: validOrder.slice(0, 200), signedBody: validOrder, webhookId: "truncated-1" });
    expect(result.status).toBe(401);
    await goodOrderStillFlows(2);
  });

  it("answers a truncated body that was signed as sent with 400", async () => {
    const result = await post({ body: validOrder.slice(0, 200), webhookId: "truncated-2" });
    expect(result.status).toBe(400);
  });

  it("refuses a body over 5 MB with 413", async () => {
    const huge = JSON.stringify({ ...JSON.parse(validOrder), note: "x".repeat(5 * 1024 * 1024 + 10) });
    const result = await post({ body: huge, webhookId: "huge" });
    expect(result.status).toBe(413);
    await goodOrderStillFlows(3);
  });

  it("refuses a non-JSON content type with 415", async () => {
    const result = await post({ body: validOrder, contentType: "text/plain", webhookId: "text-plain" });
    expect(result.status).toBe(415);
  });

  it("refuses another topic sent to the orders/paid route with 400", async () => {
    const result = await post({ body: validOrder, topic: "products/update", webhookId: "wrong-topic" });
    expect(result.status).toBe(400);
    expect(result.text).toMatch(/wrong topic/);
  });

  it("records a well-formed request whose body is not an order as a failed delivery, and answers 200", async () => {
    const result = await post({ body: JSON.stringify({ hello: "world" }), webhookId: "not-an-order" });
    expect(result.status).toBe(200);
    const dead = await app.context.outbox.list({ shop: BAD_SHOP, status: "dead", limit: 10 });
    expect(dead.rows).toHaveLength(1);
    expect(dead.rows[0]?.statusReason).toMatch(/^invalid order payload/);
  });

  it("stays up throughout: the other shop's orders all reached Meta and the bad shop sent nothing", async () => {
    await waitFor(async () => (await app.context.outbox.countByStatus(GOOD_SHOP)).sent === 3, 10_000, "good orders sent");
    expect(app.sim.countsBy(GOOD_PIXEL).server).toBe(3);
    expect(app.sim.countsBy(PIXEL).server).toBe(0);
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});
