// `npm run demo`: both paths end to end, on this machine only. Starts the built app on a fresh SQLite database
// next to a local Meta simulator, configures a demo shop, plays shopper journeys through the real storefront
// capture and the real pixel bundle (Meta's /tr and Tandem's /collect), sends realistic signed orders/paid
// webhooks, and prints what Meta received — per order, per event name, per journey — and Health's dedup proof.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startMetaSimulator } from "../sim/meta-graph-sim";
import { createWebhookClient } from "../sim/webhook-sender";
import { numberedOrder, posOrder, withConsent, type OrderPayload } from "../sim/fixtures/order-payloads";
import { buildPixel } from "./build-pixel";
import { playJourney, SHOPPER_CONSENT, type JourneyResult } from "./demo/shopper-journey";
import { countedOnce, describeReach, journeyReach, lduNote, perEventTable } from "./demo/meta-report";
import { buildQuietly } from "./demo/quiet-build";

const SHOP = "demo-shop.myshopify.com";
const PIXEL = "1234567890123456";
const META_TOKEN = "EAADemoCapiToken";
const SECRET = "demo-app-secret";
const DELIVERY_TIMEOUT_MS = 60_000;

console.log("Tandem demo: both sides end to end on this machine — a Meta simulator, no store, no internet");
// `--build`: build first, quietly (the build's own output appears only if it fails).
if (process.argv.includes("--build")) {
  console.log("building the app…");
  await buildQuietly();
}

const dir = mkdtempSync(join(tmpdir(), "tandem-demo-"));
const sim = await startMetaSimulator();
sim.registerPixel(PIXEL, META_TOKEN);

Object.assign(process.env, {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "demo-api-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "http://localhost",
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  DATABASE_URL: `file:${join(dir, "tandem.sqlite")}`,
  META_GRAPH_URL: sim.url,
  WORKER: "inline",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
});

const { startServer } = await import("../server/http-server");
const { configureShop } = await import("../app/shops/configure-shop.server");
const { collectorUrlFor, webPixelSettingsJson } = await import("../app/shopify/activate-web-pixel.server");
const { dedupProofLines, HEALTH_DAYS } = await import("./demo/health-report");
const { waitForDelivery } = await import("./demo/wait-for-delivery");
const server = await startServer(0);
const context = await server.appContext();
const baseUrl = `http://127.0.0.1:${server.port}`;
const client = createWebhookClient({ baseUrl, secret: SECRET });

function section(title: string) {
  console.log(`\n── ${title} ${"─".repeat(Math.max(0, 74 - title.length))}`);
}

section("setup");
console.log(`app on ${baseUrl} (SQLite ${dir}), Meta simulator on ${sim.url}`);
await configureShop(context, SHOP, { pixelIds: [PIXEL], accessToken: META_TOKEN, storefrontUrl: `https://${SHOP}` }, Date.now());
console.log(`shop ${SHOP} configured: pixel ${PIXEL}, access token stored encrypted`);

section("shopper journeys: embed → Web Pixel → Meta /tr and Tandem /collect");
const bundle = await buildPixel({ outfile: join(dir, "web-pixel.js"), trEndpoint: `${sim.url}/tr` });
// The settings Shopify hands the pixel are the ones activation writes (decision 0027): pixel ids, value rules
// and the collector's URL, here the app's loopback address instead of SHOPIFY_APP_URL.
const pixelSettings = JSON.parse(webPixelSettingsJson({ pixelIds: [PIXEL] }, collectorUrlFor(baseUrl))) as Record<string, string>;
const journeyBase = {
  shopHost: SHOP,
  pixel: { bundle, settings: pixelSettings, metaOrigin: new URL(sim.url).origin },
  viaCart: true,
  completes: true,
  adBlocker: false,
  consent: SHOPPER_CONSENT.granted,
};
const journeys = [
  await playJourney({ ...journeyBase, label: "ad click, search, cart, checkout", orderId: 5812345670001, orderName: "#1001", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f01", search: "linen" }),
  await playJourney({ ...journeyBase, label: "buy it now (cart skipped)", orderId: 5812345670002, orderName: "#1002", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f02", viaCart: false }),
  await playJourney({ ...journeyBase, label: "ad blocker: Meta's /tr blocked", orderId: 5812345670003, orderName: "#1003", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f03", adBlocker: true }),
  await playJourney({ ...journeyBase, label: "sale of data declined (LDU)", orderId: 5812345670007, orderName: "#1007", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f07", consent: SHOPPER_CONSENT.saleOfDataDenied }),
  await playJourney({ ...journeyBase, label: "no consent, leaves at payment", orderId: 0, orderName: "—", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f05", consent: SHOPPER_CONSENT.denied, completes: false }),
];
const journeyName = (journey: JourneyResult) => String(journey.order?.name ?? "—").padEnd(6);
for (const journey of journeys) {
  const meta = journey.requests.filter((request) => request.to === "meta");
  const sent = meta.filter((request) => typeof request.outcome === "number").length;
  const blocked = meta.length - sent;
  const collected = journey.requests.filter((request) => request.to === "collector");
  const answers = [...new Set(collected.map((request) => String(request.outcome)))].join("/") || "—";
  console.log(`${journeyName(journey)} ${journey.label.padEnd(33)} Meta /tr: ${sent} sent${blocked ? `, ${blocked} blocked` : ""} · Tandem /collect: ${collected.length} (HTTP ${answers})`);
  if (journey.order === null) continue;
  const attrs = (journey.order.note_attributes as Array<{ name: string }>).map((a) => a.name).join(", ") || "none";
  console.log(`       browser Purchase eid=${journey.browserPurchaseEid ?? "—"}; note attributes on the order: ${attrs}`);
}

const now = new Date().toISOString();
const fresh = (order: OrderPayload) => ({ ...order, processed_at: now, created_at: now });
type Delivery = { label: string; order: OrderPayload; webhookId: string };
const orderOf = (journey: JourneyResult | undefined): OrderPayload => {
  if (!journey?.order) throw new Error("demo: a journey that should have ended in an order did not");
  return journey.order;
};
const cartOrder = orderOf(journeys[0]);
const deliveries: Delivery[] = [
  { label: "ad click, search, cart, checkout", order: cartOrder, webhookId: "wh-1001" },
  { label: "same delivery again (Shopify retry)", order: cartOrder, webhookId: "wh-1001" },
  { label: "same order, new webhook id", order: cartOrder, webhookId: "wh-1001-b" },
  { label: "buy it now (cart skipped)", order: orderOf(journeys[1]), webhookId: "wh-1002" },
  { label: "ad blocker: Meta's /tr blocked", order: orderOf(journeys[2]), webhookId: "wh-1003" },
  { label: "POS order: no checkout token", order: fresh(posOrder({ id: 5812345670004, name: "#1004" })), webhookId: "wh-1004" },
  { label: "consent: marketing denied", order: fresh(withConsent("m0;a1;s1", numberedOrder(5))), webhookId: "wh-1006" },
  { label: "sale of data declined (LDU)", order: orderOf(journeys[3]), webhookId: "wh-1007" },
];

section("orders/paid webhooks → app");
for (const delivery of deliveries) {
  const { status, ms } = await client.send("orders/paid", SHOP, delivery.order, { webhookId: delivery.webhookId });
  console.log(`${String(delivery.order.name).padEnd(6)} ${delivery.label.padEnd(40)} → HTTP ${status} in ${ms.toFixed(1)} ms`);
}
const forged = await fetch(`${baseUrl}/webhooks/orders/paid`, {
  method: "POST",
  headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": "forged", "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": SHOP, "X-Shopify-API-Version": "2026-10", "X-Shopify-Webhook-Id": "forged-1" },
  body: JSON.stringify(numberedOrder(9)),
});
console.log(`forged HMAC                                          → HTTP ${forged.status} (nothing stored)`);

// The worker runs inline; the report waits until it has nothing left to send: funnel queue and outbox both.
// The deadline is generous for a slow machine, and a report it cuts short says so instead of printing short counts.
const delivery = await waitForDelivery(context, SHOP, DELIVERY_TIMEOUT_MS);
if (!delivery.drained) {
  console.error(
    `demo: after ${DELIVERY_TIMEOUT_MS / 1000} s Tandem still had ${delivery.funnelWaiting} funnel events and ${delivery.outboxWaiting} outbox events to send; the figures below are short`,
  );
  process.exitCode = 1;
}

section("what Meta received, per order");
const ledger = sim.ledger();
const { rows } = await context.outbox.list({ shop: SHOP, limit: 100 });
// Funnel events have no order; the per-event and per-journey sections below account for them.
for (const row of [...rows].reverse().filter((item) => item.orderId !== null)) {
  const entry = ledger.find((item) => item.pixelId === PIXEL && item.eventName === row.eventName && item.eventId === row.eventId);
  const ldu = Array.isArray((row.payload as { data_processing_options?: unknown } | null)?.data_processing_options) ? " LDU" : "";
  const counted = entry ? `browser ${entry.browser} + server ${entry.server} → Meta counts ${entry.countedByMeta}` : "Meta counts 0";
  console.log(
    `${String(row.orderName ?? "?").padEnd(6)} ${row.status.padEnd(8)} event_id=${row.eventId.padEnd(36)} via ${row.provenance.padEnd(14)} ${counted}${ldu}`,
  );
  console.log(`       match keys: ${row.matchKeys.join(", ") || "—"}${row.statusReason ? `   reason: ${row.statusReason}` : ""}${row.fbtraceId ? `   fbtrace_id: ${row.fbtraceId}` : ""}`);
}

section("what Meta counted, per event name (browser /tr + server Conversions API)");
const countsByEvent = sim.countsByEvent(PIXEL);
for (const line of perEventTable(countsByEvent)) console.log(line);
console.log("(paired: event ids Meta got from both sides; the collector leaves PageView to the pixel unless the shop turns it on)");

section("what Meta received, per journey");
for (const journey of journeys) {
  console.log(`${journeyName(journey)} ${journey.label.padEnd(33)} ${describeReach(journeyReach(journey.requests, ledger, PIXEL))}${lduNote(journey.requests, sim.accepted)}`);
}

section(`Health → Dedup proof (the admin's Health page, last ${HEALTH_DAYS} days)`);
for (const line of await dedupProofLines(context, SHOP, Date.now())) console.log(line);
console.log("(same id: the browser's Purchase reached Tandem's collector under the server's event id; an ad blocker");
console.log(" that stops Meta's /tr leaves the shop's app URL alone)");

section("summary");
const state = sim.state();
console.log(`webhooks sent: ${deliveries.length + 1}, orders: ${new Set(deliveries.map((d) => d.order.id)).size}`);
console.log(`server events accepted by Meta: ${state.accepted}; browser events: ${state.browserEvents}`);
const pairedPurchases = ledger.filter((entry) => entry.eventName === "Purchase" && entry.browser > 0 && entry.server > 0);
console.log(`purchases seen by both browser and server: ${pairedPurchases.length}, each counted ${pairedPurchases.every((entry) => entry.countedByMeta === 1) ? "once" : "MORE THAN ONCE"}`);
const names = Object.keys(countsByEvent);
const paired = names.reduce((sum, name) => sum + (countsByEvent[name]?.pairedKeys ?? 0), 0);
const allOnce = names.every((name) => countedOnce(countsByEvent[name] as (typeof countsByEvent)[string]));
console.log(`events seen by both browser and server, all names: ${paired}; every event id counted ${allOnce ? "once" : "MORE THAN ONCE"}`);
console.log(`counted twice by Meta: ${state.doubleCounted.length}; server events sent twice: ${state.duplicateDeliveries.length}`);

client.close();
await server.stop();
await sim.close();
rmSync(dir, { recursive: true, force: true });
