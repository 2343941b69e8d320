// `npm run demo`: the server path end to end, on this machine only. Starts the built app on a fresh SQLite
// database next to a local Meta Graph API simulator, configures a demo shop, sends realistic signed
// orders/paid webhooks and prints, per order, what Meta received.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startMetaSimulator } from "../sim/meta-graph-sim";
import { createWebhookClient } from "../sim/webhook-sender";
import { numberedOrder, posOrder, withConsent, type OrderPayload } from "../sim/fixtures/order-payloads";
import { playJourney } from "./demo/shopper-journey";
import { buildQuietly } from "./demo/quiet-build";

const SHOP = "demo-shop.myshopify.com";
const PIXEL = "1234567890123456";
const META_TOKEN = "EAADemoCapiToken";
const SECRET = "demo-app-secret";

console.log("Tandem demo: the server path end to end on this machine — a Meta simulator, no store, no internet");
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

section("shopper journeys: storefront capture → checkout → Web Pixel → Meta /tr");
const journeyBase = { shopHost: SHOP, pixelIds: [PIXEL], trEndpoint: `${sim.url}/tr` };
const journeys = [
  await playJourney({ ...journeyBase, label: "cart checkout, pixel fires", orderId: 5812345670001, orderName: "#1001", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f01", viaCart: true, pixelReachesMeta: true }),
  await playJourney({ ...journeyBase, label: "buy it now (cart skipped)", orderId: 5812345670002, orderName: "#1002", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f02", viaCart: false, pixelReachesMeta: true }),
  await playJourney({ ...journeyBase, label: "ad blocker: pixel blocked", orderId: 5812345670003, orderName: "#1003", checkoutToken: "a1b2c3d4e5f60718293a4b5c6d7e8f03", viaCart: true, pixelReachesMeta: false }),
];
for (const journey of journeys) {
  const attrs = (journey.order.note_attributes as Array<{ name: string }>).map((a) => a.name).join(", ") || "none";
  console.log(`${String(journey.order.name).padEnd(6)} ${journey.label.padEnd(30)} pixel: ${journey.browserEvents.join(" → ")} (${journey.trRequests} reached Meta)`);
  console.log(`       browser Purchase eid=${journey.browserPurchaseEid ?? "—"}; note attributes on the order: ${attrs}`);
}

const now = new Date().toISOString();
const fresh = (order: OrderPayload) => ({ ...order, processed_at: now, created_at: now });
type Delivery = { label: string; order: OrderPayload; webhookId: string };
const cartOrder = journeys[0]!.order;
const deliveries: Delivery[] = [
  { label: "cart checkout, pixel fires", order: cartOrder, webhookId: "wh-1001" },
  { label: "same delivery again (Shopify retry)", order: cartOrder, webhookId: "wh-1001" },
  { label: "same order, new webhook id", order: cartOrder, webhookId: "wh-1001-b" },
  { label: "buy it now (cart skipped)", order: journeys[1]!.order, webhookId: "wh-1002" },
  { label: "ad blocker: pixel blocked", order: journeys[2]!.order, webhookId: "wh-1003" },
  { label: "POS order: no checkout token", order: fresh(posOrder({ id: 5812345670004, name: "#1004" })), webhookId: "wh-1004" },
  { label: "consent: marketing denied", order: fresh(withConsent("m0;a1;s1", numberedOrder(5))), webhookId: "wh-1006" },
  { label: "consent: sale of data denied (LDU)", order: fresh(withConsent("m1;a1;s0", numberedOrder(6))), webhookId: "wh-1007" },
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

// The worker runs inline; wait until nothing is left to send.
const deadline = Date.now() + 20_000;
while (Date.now() < deadline) {
  const counts = await context.outbox.countByStatus(SHOP);
  if ((counts.pending ?? 0) + (counts.retrying ?? 0) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}

section("what Meta received, per order");
const ledger = sim.ledger();
const { rows } = await context.outbox.list({ shop: SHOP, limit: 100 });
for (const row of [...rows].reverse()) {
  const entry = ledger.find((item) => item.pixelId === PIXEL && item.eventName === row.eventName && item.eventId === row.eventId);
  const ldu = Array.isArray((row.payload as { data_processing_options?: unknown } | null)?.data_processing_options) ? " LDU" : "";
  const counted = entry ? `browser ${entry.browser} + server ${entry.server} → Meta counts ${entry.countedByMeta}` : "Meta counts 0";
  console.log(
    `${String(row.orderName ?? "?").padEnd(6)} ${row.status.padEnd(8)} event_id=${row.eventId.padEnd(36)} via ${row.provenance.padEnd(14)} ${counted}${ldu}`,
  );
  console.log(`       match keys: ${row.matchKeys.join(", ") || "—"}${row.statusReason ? `   reason: ${row.statusReason}` : ""}${row.fbtraceId ? `   fbtrace_id: ${row.fbtraceId}` : ""}`);
}

section("summary");
const state = sim.state();
console.log(`webhooks sent: ${deliveries.length + 1}, orders: ${new Set(deliveries.map((d) => d.order.id)).size}`);
const paired = ledger.filter((entry) => entry.browser > 0 && entry.server > 0);
console.log(`server events accepted by Meta: ${state.accepted}; browser events: ${state.browserEvents}`);
console.log(`purchases seen by both browser and server: ${paired.length}, each counted ${paired.every((entry) => entry.countedByMeta === 1) ? "once" : "MORE THAN ONCE"}`);
console.log(`counted twice by Meta: ${state.doubleCounted.length}; server events sent twice: ${state.duplicateDeliveries.length}`);

client.close();
await server.stop();
await sim.close();
rmSync(dir, { recursive: true, force: true });
