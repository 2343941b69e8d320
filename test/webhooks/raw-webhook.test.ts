import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../app/shopify/app.server";
import { MAX_WEBHOOK_BYTES } from "../../app/webhooks/limits";
import {
  authenticateRawWebhook,
  checkWebhookHeaders,
  rawWebhookFromRequest,
  wellFormedSignature,
  WebhookRejected,
  type RawWebhook,
} from "../../app/webhooks/raw-webhook.server";
import { buildOrder } from "../../sim/fixtures/order-payloads";
import { buildWebhookHeaders, buildWebhookRequest } from "../../sim/webhook-sender";
import { useTestApp } from "../support/app";
import { TEST_SECRET } from "../support/app-context";
import { thrownResponse } from "../support/thrown-response";

// Our raw-bytes check must give the same verdict as the library's `authenticate.webhook` for every delivery
// both of them judge; the cases below that only we judge (size, content type, topic, JSON) are ours alone.

const ORDERS_PAID = "orders/paid";
const SHOP = "raw-webhook-shop.myshopify.com";
const URL_ = "http://localhost:3000/webhooks/orders/paid";
const WEBHOOK_ID = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";

type Verdict =
  | { accepted: true; shop: string; topic: string; webhookId: string; payload: unknown }
  | { accepted: false; status: number; text?: string };

async function ourVerdict(request: Request, secret = TEST_SECRET): Promise<Verdict> {
  try {
    const webhook = authenticateRawWebhook(await rawWebhookFromRequest(request), secret, ORDERS_PAID);
    return { accepted: true, shop: webhook.shop, topic: webhook.topic, webhookId: webhook.webhookId, payload: webhook.payload };
  } catch (error) {
    if (error instanceof WebhookRejected) return { accepted: false, status: error.answer.status, text: error.answer.text };
    throw error;
  }
}

async function libraryVerdict(request: Request): Promise<Verdict> {
  const call = authenticate.webhook(request);
  const refused = await thrownResponse(call);
  if (refused) return { accepted: false, status: refused.status };
  const webhook = await call;
  return { accepted: true, shop: webhook.shop, topic: String(webhook.topic), webhookId: webhook.webhookId, payload: webhook.payload };
}

async function judge(request: Request): Promise<{ ours: Verdict; library: Verdict }> {
  return { ours: await ourVerdict(request.clone()), library: await libraryVerdict(request.clone()) };
}

type DeliveryOptions = {
  body?: string;
  /** Sign these bytes instead of the body that is sent. */
  signedBody?: string;
  secret?: string;
  topic?: string;
  method?: string;
  without?: string[];
  headers?: Record<string, string>;
};

function delivery(options: DeliveryOptions = {}): Request {
  const body = options.body ?? JSON.stringify(buildOrder());
  const headers = buildWebhookHeaders(
    { topic: options.topic ?? ORDERS_PAID, shop: SHOP, secret: options.secret ?? TEST_SECRET, webhookId: WEBHOOK_ID },
    options.signedBody ?? body,
  );
  for (const name of options.without ?? []) delete headers[name];
  Object.assign(headers, options.headers);
  const method = options.method ?? "POST";
  return new Request(URL_, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body });
}

function sign(body: Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/** A delivery as the node:http lane hands it over: lower-case header names, exact bytes. */
function rawDelivery(body: Buffer, hmac: string, headers: Record<string, string> = {}): RawWebhook {
  const all: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-topic": ORDERS_PAID,
    "x-shopify-hmac-sha256": hmac,
    "x-shopify-shop-domain": SHOP,
    "x-shopify-api-version": "2025-10",
    "x-shopify-webhook-id": WEBHOOK_ID,
    ...headers,
  };
  return { method: "POST", header: (name) => all[name], body };
}

function rejection(run: () => unknown): WebhookRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejected) return error;
    throw error;
  }
  throw new Error("expected the delivery to be rejected");
}

// The library looks up the shop's offline session, so it needs the app context the routes use.
useTestApp({ per: "file" });

describe("authenticateRawWebhook agrees with authenticate.webhook", () => {
  it("accepts a correctly signed delivery with the same shop, topic, webhook id and payload", async () => {
    const order = buildOrder();
    const request = buildWebhookRequest({ url: URL_, topic: ORDERS_PAID, shop: SHOP, body: order, secret: TEST_SECRET, webhookId: WEBHOOK_ID });
    const { ours, library } = await judge(request);

    expect(ours).toEqual({ accepted: true, shop: SHOP, topic: ORDERS_PAID, webhookId: WEBHOOK_ID, payload: order });
    expect(library).toEqual({ accepted: true, shop: SHOP, topic: "ORDERS_PAID", webhookId: WEBHOOK_ID, payload: order });
  });

  it("rejects a forged HMAC with 401, as the library does", async () => {
    const request = buildWebhookRequest({ url: URL_, topic: ORDERS_PAID, shop: SHOP, body: buildOrder(), secret: TEST_SECRET, forgeHmac: true });
    const { ours, library } = await judge(request);

    expect(ours).toMatchObject({ accepted: false, status: 401 });
    expect(library).toMatchObject({ accepted: false, status: 401 });
  });

  it.each([
    ["without its = padding", (sig: string) => sig.replace(/=+$/, "")],
    ["with characters after the padding", (sig: string) => `${sig}AAAA`],
    ["with the last character's unused bits changed", (sig: string) => `${sig.slice(0, 42)}${sig[42] === "A" ? "B" : "A"}=`],
    ["as two header values joined by a comma", (sig: string) => `${sig}, junk`],
  ])("rejects a right signature written %s with 401, as the library does", async (_case, mangle) => {
    const body = JSON.stringify(buildOrder());
    const good = createHmac("sha256", TEST_SECRET).update(body).digest("base64");
    const { ours, library } = await judge(delivery({ body, headers: { "X-Shopify-Hmac-Sha256": mangle(good) } }));

    expect(ours).toMatchObject({ accepted: false, status: 401 });
    expect(library).toMatchObject({ accepted: false, status: 401 });
  });

  it("rejects a signature made over other bytes (a truncated body) with 401, as the library does", async () => {
    const full = JSON.stringify(buildOrder());
    const { ours, library } = await judge(delivery({ body: full.slice(0, full.length - 10), signedBody: full }));

    expect(ours).toMatchObject({ accepted: false, status: 401 });
    expect(library).toMatchObject({ accepted: false, status: 401 });
  });

  it.each(["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"])(
    "rejects a signed delivery without %s with 400, as the library does",
    async (header) => {
      const { ours, library } = await judge(delivery({ without: [header] }));

      expect(ours).toMatchObject({ accepted: false, status: 400 });
      expect(library).toMatchObject({ accepted: false, status: 400 });
    },
  );

  it("answers 401 to a delivery without an HMAC header; the library rejects it too", async () => {
    const { ours, library } = await judge(delivery({ without: ["X-Shopify-Hmac-Sha256"] }));

    // Product rule: a missing signature is answered like a forged one. The library says 400 here.
    expect(ours).toMatchObject({ accepted: false, status: 401 });
    expect(library.accepted).toBe(false);
  });

  it.each(["GET", "PUT"])("answers 405 to %s, as the library does", async (method) => {
    const { ours, library } = await judge(delivery({ method }));

    expect(ours).toMatchObject({ accepted: false, status: 405 });
    expect(library).toMatchObject({ accepted: false, status: 405 });
  });

  it("rejects an empty body even when its signature is right; the library rejects it too", async () => {
    const { ours, library } = await judge(delivery({ body: "" }));

    expect(ours).toMatchObject({ accepted: false, status: 401 });
    expect(library.accepted).toBe(false);
  });

  it("verifies a body with non-ASCII UTF-8 characters, as the library does", async () => {
    const order = buildOrder({ note: "Zoë's café — 東京 🎉", customer: { first_name: "Łukasz" } });
    const body = JSON.stringify(order);
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    const { ours, library } = await judge(delivery({ body }));

    expect(ours).toMatchObject({ accepted: true, payload: order });
    expect(library).toMatchObject({ accepted: true, payload: order });
  });

  it("gives the library's verdict for random JSON bodies, and for each with one byte flipped", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (value, at, mask) => {
        const body = JSON.stringify(value);
        const signed = await judge(delivery({ body }));
        expect(signed.ours).toEqual({ accepted: true, shop: SHOP, topic: ORDERS_PAID, webhookId: WEBHOOK_ID, payload: JSON.parse(body) });
        expect(signed.library).toEqual({ ...signed.ours, topic: "ORDERS_PAID" });

        // The same signature, the body with one byte changed.
        const bytes = Buffer.from(body);
        const index = at % bytes.length;
        bytes[index] = (bytes[index] ?? 0) ^ mask;
        const headers = buildWebhookHeaders({ topic: ORDERS_PAID, shop: SHOP, secret: TEST_SECRET, webhookId: WEBHOOK_ID }, body);
        const flipped = await judge(new Request(URL_, { method: "POST", headers, body: bytes }));
        expect(flipped.ours).toMatchObject({ accepted: false, status: 401 });
        expect(flipped.library).toMatchObject({ accepted: false, status: 401 });
      }),
      { numRuns: 40 },
    );
  });
});

describe("authenticateRawWebhook: rules the library does not apply", () => {
  it("answers 413 to a correctly signed body over the size limit, and accepts one at the limit", async () => {
    const prefix = '{"pad":"';
    const suffix = '"}';
    const atLimit = `${prefix}${"x".repeat(MAX_WEBHOOK_BYTES - prefix.length - suffix.length)}${suffix}`;
    const overLimit = `${prefix}${"x".repeat(MAX_WEBHOOK_BYTES + 1 - prefix.length - suffix.length)}${suffix}`;

    expect(await ourVerdict(delivery({ body: atLimit }))).toMatchObject({ accepted: true });
    expect(await ourVerdict(delivery({ body: overLimit }))).toEqual({ accepted: false, status: 413, text: "payload too large" });
  });

  it("answers 413 from the declared Content-Length alone, before reading the body", async () => {
    const request = delivery({ headers: { "Content-Length": String(MAX_WEBHOOK_BYTES + 1) } });
    await expect(rawWebhookFromRequest(request)).rejects.toMatchObject({ answer: { status: 413 } });
    expect(request.bodyUsed).toBe(false);
  });

  it("answers 415 to a correctly signed JSON body sent as another content type", async () => {
    expect(await ourVerdict(delivery({ headers: { "Content-Type": "text/plain" } }))).toMatchObject({ accepted: false, status: 415 });
  });

  it("answers 400 to a correctly signed delivery for another topic", async () => {
    const verdict = await ourVerdict(delivery({ topic: "orders/create" }));
    expect(verdict).toMatchObject({ accepted: false, status: 400 });
    expect(verdict.accepted ? "" : verdict.text).toMatch(/wrong topic/);
  });

  it("accepts the topic in Shopify's other spellings", async () => {
    for (const topic of ["ORDERS_PAID", "orders_paid", "Orders/Paid"]) {
      expect(await ourVerdict(delivery({ topic }))).toMatchObject({ accepted: true, topic: ORDERS_PAID });
    }
  });

  it("answers 400 to a correctly signed body that is not JSON", async () => {
    expect(await ourVerdict(delivery({ body: "amount=12.50&currency=EUR" }))).toEqual({
      accepted: false,
      status: 400,
      text: "body is not valid JSON",
    });
  });

  it("answers 400 to a shop header that is not a myshopify domain", async () => {
    const verdict = await ourVerdict(delivery({ headers: { "X-Shopify-Shop-Domain": "evil.example.com" } }));
    expect(verdict).toMatchObject({ accepted: false, status: 400 });
  });

  it("returns the shop in lower case whatever case the header uses: one shop, one spelling", () => {
    const body = Buffer.from("{}");
    const webhook = authenticateRawWebhook(rawDelivery(body, sign(body, TEST_SECRET), { "x-shopify-shop-domain": "Raw-Webhook-Shop.MyShopify.COM" }), TEST_SECRET, ORDERS_PAID);
    expect(webhook.shop).toBe(SHOP);
  });

  it("judges from the headers alone what it can: signature shape, Shopify headers, shop domain", () => {
    const body = Buffer.from("{}");
    const headersOf = (overrides: Record<string, string>) => rawDelivery(body, sign(body, TEST_SECRET), overrides).header;
    expect(checkWebhookHeaders(headersOf({}))).toEqual({ ok: true, shop: SHOP });
    expect(checkWebhookHeaders(headersOf({ "x-shopify-hmac-sha256": "abc" }))).toMatchObject({ ok: false, answer: { status: 401 } });
    expect(checkWebhookHeaders(headersOf({ "x-shopify-topic": "" }))).toMatchObject({ ok: false, answer: { status: 400 } });
    expect(checkWebhookHeaders(headersOf({ "x-shopify-shop-domain": "shop.example.com" }))).toMatchObject({ ok: false, answer: { status: 400 } });
  });

  it("checks the signature over the raw bytes, not a re-decoded string", () => {
    const body = Buffer.from(JSON.stringify({ note: "Zoë — 東京 🎉" }), "utf8");

    expect(authenticateRawWebhook(rawDelivery(body, sign(body, TEST_SECRET)), TEST_SECRET, ORDERS_PAID).payload).toEqual({
      note: "Zoë — 東京 🎉",
    });
    // A signature over the same text in another encoding is over other bytes.
    const latin1 = Buffer.from(body.toString("latin1"), "utf8");
    expect(rejection(() => authenticateRawWebhook(rawDelivery(body, sign(latin1, TEST_SECRET)), TEST_SECRET, ORDERS_PAID)).answer.status).toBe(401);
  });

  it("rejects a delivery signed with another secret", () => {
    const body = Buffer.from("{}");
    expect(rejection(() => authenticateRawWebhook(rawDelivery(body, sign(body, "other-secret")), TEST_SECRET, ORDERS_PAID)).answer.status).toBe(401);
  });
});

describe("authenticateRawWebhook signatures (property)", () => {
  it("finds every real signature well formed, and refuses other lengths and alphabets", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.string({ minLength: 1 }), (bytes, secret) => {
        expect(wellFormedSignature(sign(Buffer.from(bytes), secret))).toBe(true);
      }),
    );
    const real = sign(Buffer.from("{}"), TEST_SECRET);
    for (const shape of [real.slice(0, -1), `${real}=`, real.replace(/=$/, "A"), `${real.slice(0, -2)}-=`, `${real.slice(0, -2)}B=`, "x".repeat(44), "", undefined]) {
      expect(wellFormedSignature(shape)).toBe(false);
    }
  });

  it("rejects the signature header with any single character changed", () => {
    fc.assert(
      fc.property(bodies, secrets, fc.nat(), fc.integer({ min: 1, max: 127 }), (body, secret, at, mask) => {
        const header = Buffer.from(sign(body, secret));
        const index = at % header.length;
        header[index] = (header[index] ?? 0) ^ mask;
        expect(rejection(() => authenticateRawWebhook(rawDelivery(body, header.toString("latin1")), secret, ORDERS_PAID)).answer.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  const secrets = fc.string({ minLength: 1, maxLength: 64, unit: "grapheme" });
  const bodies = fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value), "utf8"));

  it("accepts any correctly signed JSON body under any secret", () => {
    fc.assert(
      fc.property(bodies, secrets, (body, secret) => {
        const webhook = authenticateRawWebhook(rawDelivery(body, sign(body, secret)), secret, ORDERS_PAID);
        expect(webhook.payload).toEqual(JSON.parse(body.toString("utf8")));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects the body with any single byte flipped", () => {
    fc.assert(
      fc.property(bodies, secrets, fc.nat(), fc.integer({ min: 1, max: 255 }), (body, secret, at, mask) => {
        const hmac = sign(body, secret);
        const flipped = Buffer.from(body);
        const index = at % flipped.length;
        flipped[index] = (flipped[index] ?? 0) ^ mask;
        expect(rejection(() => authenticateRawWebhook(rawDelivery(flipped, hmac), secret, ORDERS_PAID)).answer.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects the signature with any single byte of the MAC flipped", () => {
    fc.assert(
      fc.property(bodies, secrets, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 255 }), (body, secret, index, mask) => {
        const mac = createHmac("sha256", secret).update(body).digest();
        mac[index] = (mac[index] ?? 0) ^ mask;
        expect(rejection(() => authenticateRawWebhook(rawDelivery(body, mac.toString("base64")), secret, ORDERS_PAID)).answer.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });
});
