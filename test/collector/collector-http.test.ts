import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../app/services";
import { buildTrUrl, type TrRequest } from "../../app/tracking/pixel/tr-url";
import { TEST_SECRET } from "../support/app-context";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { funnelRowsOf } from "../support/funnel-rows";

// Issue 16: the collector behind real HTTP on loopback, against the production server around the build
// (server/http-server.ts). Only Meta would be simulated, and the worker is off: what is checked is what the
// collector stores (or refuses to), row by row.

const SHOP = "collector-http.myshopify.com";
const FLOOD_SHOP = "collector-flood.myshopify.com";
const UNKNOWN_SHOP = "nobody-here.myshopify.com";
const PIXELS = ["1111111111", "2222222222"];
const HASH = "b".repeat(64);
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const LIMITS = { client: { perSecond: 0.01, burst: 10 }, shop: { perSecond: 0.01, burst: 60 } };

let context: Services;
let base: string;
let server: BuiltServer;
let nextAddress = 1;

/** Each test speaks as its own shopper (TRUST_PROXY=1: the address the proxy appended), so client buckets stay apart. */
function newShopperAddress(): string {
  nextAddress += 1;
  return `81.2.${Math.floor(nextAddress / 250)}.${(nextAddress % 250) + 1}`;
}

beforeAll(async () => {
  delete process.env.REDIS_URL;
  server = await startBuiltServer("collector", { LOG_LEVEL: "silent", TRUST_PROXY: "1" }, { collectorLimits: LIMITS });
  base = `http://127.0.0.1:${server.port}`;
  context = await server.appContext();
  for (const shop of [SHOP, FLOOD_SHOP]) await context.shops.saveShopConfig(shop, { pixelIds: PIXELS, accessToken: "EAACollectorToken" }, Date.now());
});

afterAll(async () => {
  await server.stop();
  delete process.env.TRUST_PROXY;
});

type Overrides = Partial<TrRequest> & { shop?: string; ck?: string; extra?: Record<string, string> };

/** The body the web pixel posts: shop, checkout token, then its first /tr query without `id`. */
function collectBody(overrides: Overrides = {}): string {
  const tr = new URL(
    buildTrUrl("https://www.facebook.com/tr", {
      pixelId: "999",
      eventName: "AddToCart",
      eventId: `evt_${Math.random().toString(36).slice(2)}`,
      pageUrl: "https://collector-http.example/products/shoe?utm_source=news&email=x@y.z#reviews",
      timestampMs: Date.now(),
      customData: { value: 40, currency: "EUR", contents: [{ id: "4711", quantity: 2, item_price: 20 }], content_ids: ["4711"], content_type: "product", num_items: 2 },
      userData: { em: HASH },
      fbp: "fb.1.1700000000000.987654321",
      fbc: "fb.1.1700000000000.IwAR2abc",
      limitedDataUse: false,
      ...overrides,
    }),
  );
  const params = new URLSearchParams({ shop: overrides.shop ?? SHOP, ck: overrides.ck ?? "" });
  for (const [key, value] of tr.searchParams) if (key !== "id") params.append(key, value);
  for (const [key, value] of Object.entries(overrides.extra ?? {})) params.set(key, value);
  return params.toString();
}

type Sent = { status: number; headers: Headers };

async function post(body: string, opts: { path?: string; address?: string; userAgent?: string } = {}): Promise<Sent> {
  const response = await fetch(`${base}${opts.path ?? "/collect"}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": opts.userAgent ?? BROWSER_UA, "X-Forwarded-For": opts.address ?? newShopperAddress() },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}

/** What the collector stored for an event: its funnel_events rows, one per pixel, by destination. */
async function rowsFor(eventId: string) {
  return funnelRowsOf(context.database.db, eventId);
}
async function countAll(): Promise<{ funnelEvents: number; deliveries: number; ledger: number; shops: number }> {
  const count = async (table: "funnel_events" | "deliveries" | "browser_purchase_ids" | "shops") =>
    Number((await context.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return { funnelEvents: await count("funnel_events"), deliveries: await count("deliveries"), ledger: await count("browser_purchase_ids"), shops: await count("shops") };
}

function proxyQuery(shop: string, secret = TEST_SECRET): string {
  const params = new URLSearchParams({ shop, logged_in_customer_id: "", path_prefix: "/apps/tandem", timestamp: String(Math.floor(Date.now() / 1000)) });
  const message = [...params.keys()].sort().map((key) => `${key}=${params.get(key)}`).join("");
  params.set("signature", createHmac("sha256", secret).update(message).digest("hex"));
  return params.toString();
}

describe("POST /collect", () => {
  it("stores a valid event once per configured pixel, mapped for the Conversions API", async () => {
    const address = newShopperAddress();
    const sent = await post(collectBody({ eventId: "evt_valid_1" }), { address });

    expect(sent.status).toBe(204);
    expect(sent.headers.get("access-control-allow-origin")).toBe("*");
    const rows = await rowsFor("evt_valid_1");
    // Waiting for the worker (done_at null, not leased): the worker is off here.
    expect(rows.map((row) => [row.shop, row.destination, row.event_name, row.done_at, row.lease_owner])).toEqual([
      [SHOP, `meta:${PIXELS[0]}`, "AddToCart", null, null],
      [SHOP, `meta:${PIXELS[1]}`, "AddToCart", null, null],
    ]);
    // Both pixels carry the same event: one payload, one set of match keys.
    expect(rows[1]?.payload).toBe(rows[0]?.payload);
    expect(rows[1]?.match_keys).toBe(rows[0]?.match_keys);
    const payload = JSON.parse(rows[0]?.payload ?? "null");
    expect(payload).toMatchObject({
      event_name: "AddToCart",
      event_id: "evt_valid_1",
      action_source: "website",
      event_source_url: "https://collector-http.example/products/shoe",
      user_data: { em: HASH, fbp: "fb.1.1700000000000.987654321", fbc: "fb.1.1700000000000.IwAR2abc", client_ip_address: address, client_user_agent: BROWSER_UA },
      custom_data: { value: 40, currency: "EUR", content_ids: ["4711"], num_items: 2 },
    });
    expect(Math.abs(payload.event_time - Date.now() / 1000)).toBeLessThan(30);
    expect(rows.map((row) => row.event_time)).toEqual([payload.event_time, payload.event_time]);
    expect(payload.data_processing_options).toBeUndefined();
    expect(JSON.parse(rows[0]?.match_keys ?? "[]")).toEqual(["em", "client_ip_address", "client_user_agent", "fbp", "fbc"]);
  });

  it("a replayed event is answered alike and stores nothing more", async () => {
    const body = collectBody({ eventId: "evt_replay" });
    expect((await post(body)).status).toBe(204);
    const first = await rowsFor("evt_replay");
    expect((await post(body)).status).toBe(204);
    expect(await rowsFor("evt_replay")).toEqual(first);
  });

  it("answers OPTIONS for CORS without reading anything", async () => {
    const response = await fetch(`${base}/collect`, { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("refuses a malformed body with 400 and stores nothing", async () => {
    const before = await countAll();
    for (const body of ["", "not a query", collectBody({ eventName: "Lead", eventId: "evt_lead" }), collectBody({ extra: { "cd[value]": "NaN" } }), "%%%"]) {
      expect((await post(body)).status).toBe(400);
    }
    expect(await countAll()).toEqual(before);
  });

  it("refuses an event time outside the window with 400", async () => {
    const stale = await post(collectBody({ eventId: "evt_stale", timestampMs: Date.now() - 2 * 60 * 60 * 1000 }));
    const future = await post(collectBody({ eventId: "evt_future", timestampMs: Date.now() + 60 * 60 * 1000 }));
    expect([stale.status, future.status]).toEqual([400, 400]);
    expect([...(await rowsFor("evt_stale")), ...(await rowsFor("evt_future"))]).toEqual([]);
  });

  it("refuses a body over 8 KB with 413, declared or streamed", async () => {
    const big = collectBody({ eventId: "evt_big", extra: { "cd[content_name]": "x".repeat(9 * 1024) } });
    expect((await post(big)).status).toBe(413);

    // Chunked: no Content-Length to refuse up front, so the cap applies while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/collect`, { method: "POST", headers: { "Content-Type": "text/plain", "User-Agent": BROWSER_UA, "X-Forwarded-For": newShopperAddress() } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (error) => (String(error).includes("ECONNRESET") || String(error).includes("EPIPE") ? undefined : reject(error)));
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(1024, "a"));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(await rowsFor("evt_big")).toEqual([]);
  });

  it("answers an unknown shop like any other event, without writing anything", async () => {
    const before = await countAll();
    for (let i = 0; i < 3; i++) expect((await post(collectBody({ shop: UNKNOWN_SHOP, eventId: `evt_unknown_${i}` }))).status).toBe(204);
    expect((await post(collectBody({ shop: UNKNOWN_SHOP, eventName: "Purchase", eventId: "evt_unknown_p", ck: "ckunknown" }))).status).toBe(204);
    expect(await countAll()).toEqual(before);
  });

  it("drops events from bots and from requests without a user agent", async () => {
    expect((await post(collectBody({ eventId: "evt_bot" }), { userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" })).status).toBe(204);
    expect((await post(collectBody({ eventId: "evt_headless" }), { userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36" })).status).toBe(204);
    expect([...(await rowsFor("evt_bot")), ...(await rowsFor("evt_headless"))]).toEqual([]);
  });

  it("does not store an event Meta could not match (a user agent alone), and names the storefront when the page is missing", async () => {
    // Loopback is no public address, so only the user agent would be left: Meta refuses that (baseline matching).
    const bare = collectBody({ eventId: "evt_bare", userData: {}, fbp: null, fbc: null, pageUrl: null });
    expect((await post(bare, { address: "127.0.0.1" })).status).toBe(204);
    expect(await rowsFor("evt_bare")).toEqual([]);

    expect((await post(collectBody({ eventId: "evt_no_page", pageUrl: null }))).status).toBe(204);
    const [row] = await rowsFor("evt_no_page");
    expect(JSON.parse(row?.payload ?? "null").event_source_url).toBe(`https://${SHOP}`);
  });

  it("sends sale-of-data denied as Limited Data Use, geolocated by Meta", async () => {
    expect((await post(collectBody({ eventId: "evt_ldu", limitedDataUse: true }))).status).toBe(204);
    const [row] = await rowsFor("evt_ldu");
    expect(JSON.parse(row?.payload ?? "null")).toMatchObject({ data_processing_options: ["LDU"], data_processing_options_country: 0, data_processing_options_state: 0 });
  });

  it("never stores raw personal data: unhashed match keys and an email typed as a search are dropped", async () => {
    const body = collectBody({
      eventName: "Search",
      eventId: "evt_pii",
      customData: { search_string: "jane.doe@example.com" },
      extra: { "ud[em]": "jane.doe@example.com", "ud[ph]": "+4915112345678", "ud[fn]": "jane" },
    });
    expect((await post(body)).status).toBe(204);
    const rows = await rowsFor("evt_pii");
    expect(rows.length).toBe(PIXELS.length);
    for (const row of rows) {
      expect(row.payload).not.toMatch(/jane|example\.com|4915112345678/);
      const userData = JSON.parse(row.payload ?? "null").user_data as Record<string, string>;
      for (const key of ["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id"]) {
        if (userData[key] !== undefined) expect(userData[key]).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it("sends only the events the shop has turned on (PageView is off by default)", async () => {
    expect((await post(collectBody({ eventName: "PageView", eventId: "evt_pageview" }))).status).toBe(204);
    expect(await rowsFor("evt_pageview")).toEqual([]);

    await context.shops.saveShopConfig(SHOP, { settings: { funnelEvents: ["PageView", "ViewContent"] } }, Date.now());
    expect((await post(collectBody({ eventName: "PageView", eventId: "evt_pageview_on" }))).status).toBe(204);
    expect((await post(collectBody({ eventName: "AddToCart", eventId: "evt_atc_off" }))).status).toBe(204);
    expect((await rowsFor("evt_pageview_on")).length).toBe(PIXELS.length);
    expect(await rowsFor("evt_atc_off")).toEqual([]);
    await context.shops.saveShopConfig(SHOP, { settings: { funnelEvents: ["ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"] } }, Date.now());
  });

  it("a Purchase only records which event id the browser used for the checkout; the first one stays", async () => {
    const { funnelEvents, deliveries } = await countAll();
    expect((await post(collectBody({ eventName: "Purchase", eventId: "evt_purchase_first", ck: "ck_http_1" }))).status).toBe(204);
    expect((await post(collectBody({ eventName: "Purchase", eventId: "evt_purchase_second", ck: "ck_http_1" }))).status).toBe(204);
    expect(await countAll()).toMatchObject({ funnelEvents, deliveries });
    const ledger = await context.database.db.selectFrom("browser_purchase_ids").selectAll().where("checkout_token", "=", "ck_http_1").execute();
    expect(ledger.map((row) => [row.shop, row.event_id])).toEqual([[SHOP, "evt_purchase_first"]]);
  });

  it("a flood from one client gets 429 while another client is still served", async () => {
    const flooder = newShopperAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await post(collectBody({ eventId: `evt_flood_${i}` }), { address: flooder })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(204));
    expect(statuses.slice(10)).toEqual(Array(5).fill(429));
    expect((await post(collectBody({ eventId: "evt_other_client" }))).status).toBe(204);
    expect((await rowsFor("evt_other_client")).length).toBe(PIXELS.length);
    expect(await rowsFor("evt_flood_12")).toEqual([]);
    // Counted by outcome and reason, never by shop or address.
    const counted = await context.metrics.registry.getSingleMetricAsString("tandem_collector_requests_total");
    expect(counted).toMatch(/tandem_collector_requests_total\{outcome="rejected",reason="rate_limited_client"\} 5/);
    expect(counted).toMatch(/tandem_collector_requests_total\{outcome="accepted",reason="stored"\} \d+/);
    expect(counted).not.toContain(SHOP);
  });

  it("a flood for one shop gets 429 past the shop's limit, other shops are unaffected", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await post(collectBody({ shop: FLOOD_SHOP, eventId: `evt_shopflood_${i}` }))).status);
    expect(statuses.filter((status) => status === 204).length).toBe(60);
    expect(statuses.slice(60)).toEqual(Array(10).fill(429));
    expect((await post(collectBody({ eventId: "evt_after_shop_flood" }))).status).toBe(204);
  });
});

describe("POST /proxy/collect (Shopify App Proxy)", () => {
  it("stores an event whose query Shopify signed, with the shopper's address as Shopify forwarded it", async () => {
    // Shopper → Shopify's proxy (appends the shopper) → the operator's proxy (TRUST_PROXY=1, appends Shopify) → app.
    const address = "6.6.6.6, 81.2.69.201, 23.227.38.65";
    expect((await post(collectBody({ eventId: "evt_proxy_ok" }), { path: `/proxy/collect?${proxyQuery(SHOP)}`, address })).status).toBe(204);
    const rows = await rowsFor("evt_proxy_ok");
    expect(rows.length).toBe(PIXELS.length);
    expect(JSON.parse(rows[0]?.payload ?? "null").user_data.client_ip_address).toBe("81.2.69.201");
  });

  it("refuses a bad signature with 401 and stores nothing", async () => {
    expect((await post(collectBody({ eventId: "evt_proxy_bad" }), { path: `/proxy/collect?${proxyQuery(SHOP, "not-the-secret")}` })).status).toBe(401);
    expect((await post(collectBody({ eventId: "evt_proxy_none" }), { path: "/proxy/collect" })).status).toBe(401);
    expect([...(await rowsFor("evt_proxy_bad")), ...(await rowsFor("evt_proxy_none"))]).toEqual([]);
  });

  it("refuses a body naming another shop than the one Shopify signed for", async () => {
    expect((await post(collectBody({ eventId: "evt_proxy_other" }), { path: `/proxy/collect?${proxyQuery(FLOOD_SHOP)}` })).status).toBe(401);
    expect(await rowsFor("evt_proxy_other")).toEqual([]);
  });
});
