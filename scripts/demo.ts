// `npm run demo`: the server path end to end, on this machine only. Starts the built app on a fresh SQLite
// database next to a local Meta Graph API simulator, configures a demo shop, sends realistic signed
// orders/paid webhooks and prints, per order, what Meta received.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startMetaSimulator } from "../test/sim/meta-graph-sim";
import { createWebhookClient } from "../test/sim/webhook-sender";
import { numberedOrder, posOrder, withConsent, withoutNoteAttributes, type OrderPayload } from "../test/fixtures/factories";

const SHOP = "demo-shop.myshopify.com";
const PIXEL = "1234567890123456";
const META_TOKEN = "EAADemoCapiToken";
const SECRET = "demo-app-secret";

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

const { startServer } = await import("../server");
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

const now = new Date().toISOString();
const fresh = (order: OrderPayload) => ({ ...order, processed_at: now, created_at: now });
const cartOrder = fresh(numberedOrder(1));
type Delivery = { label: string; order: OrderPayload; webhookId: string };
const deliveries: Delivery[] = [
  { label: "web order, cart attributes present", order: cartOrder, webhookId: "wh-1001" },
  { label: "same delivery again (Shopify retry)", order: cartOrder, webhookId: "wh-1001" },
  { label: "same order, new webhook id", order: cartOrder, webhookId: "wh-1001-b" },
  { label: "buy it now: no note attributes", order: fresh(withoutNoteAttributes(numberedOrder(2))), webhookId: "wh-1003" },
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

section("what Meta received (server events)");
const { rows } = await context.outbox.list({ shop: SHOP, limit: 100 });
for (const row of [...rows].reverse()) {
  const received = sim.accepted.filter((item) => item.event.event_id === row.eventId).length;
  const ldu = Array.isArray((row.payload as { data_processing_options?: unknown } | null)?.data_processing_options) ? " LDU" : "";
  console.log(
    `${String(row.orderName ?? "?").padEnd(6)} ${row.status.padEnd(8)} event_id=${row.eventId.padEnd(34)} via ${row.provenance.padEnd(14)} Meta got ${received}×${ldu}`,
  );
  console.log(`       match keys: ${row.matchKeys.join(", ") || "—"}${row.statusReason ? `   reason: ${row.statusReason}` : ""}${row.fbtraceId ? `   fbtrace_id: ${row.fbtraceId}` : ""}`);
}

section("summary");
const state = sim.state();
console.log(`webhooks sent: ${deliveries.length + 1}, orders: ${new Set(deliveries.map((d) => d.order.id)).size}`);
console.log(`server events accepted by Meta: ${state.accepted}; counted twice by Meta: ${state.doubleCounted.length}; sent twice: ${state.duplicateDeliveries.length}`);

client.close();
await server.stop();
await sim.close();
rmSync(dir, { recursive: true, force: true });
