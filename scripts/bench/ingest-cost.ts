// `npx node --import tsx scripts/bench/ingest-cost.ts [--profile]`: CPU cost per webhook of each ingest step,
// in-process (no HTTP), to see where the route's time goes (the bench reports the totals). Batches of 32
// concurrent webhooks, like the bench's closed loop.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { nodeSha256 } from "../../app/lib/node-sha256.server";
import { ingestPaidOrder } from "../../app/webhooks/ingest-paid-order.server";
import { authenticateRawWebhook } from "../../app/webhooks/raw-webhook.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { buildWebhookHeaders } from "../../sim/webhook-sender";

const N = 4000;
const CONCURRENCY = 32;
const SHOP = "cost.myshopify.com";
const SECRET = "s";
const dir = mkdtempSync(join(tmpdir(), "tandem-cost-"));
const config = parseEnv({
  SHOPIFY_API_KEY: "k",
  SHOPIFY_API_SECRET: SECRET,
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  DATABASE_URL: `file:${join(dir, "t.sqlite")}`,
  WORKER: "off",
  LOG_LEVEL: "silent",
});
const context = await createAppContext(config, { startWorker: false, worker: { metrics: null } });
await context.shops.saveShopConfig(SHOP, { pixelIds: ["1"], accessToken: "EAAx" }, Date.now());
const now = new Date().toISOString();
const bodies = Array.from({ length: 3 * N }, (_, i) => Buffer.from(JSON.stringify(numberedOrder(i, { processed_at: now }))));
const orders: unknown[] = bodies.map((body) => JSON.parse(body.toString()));
const raws = bodies.map((body, i) => {
  const headers = Object.fromEntries(
    Object.entries(buildWebhookHeaders({ topic: "orders/paid", shop: SHOP, secret: SECRET, webhookId: `raw-${i}` }, body.toString())).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { method: "POST", header: (name: string) => headers[name], body };
});

async function time(label: string, step: (i: number) => unknown): Promise<void> {
  const run = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += CONCURRENCY) {
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => step(i + k)));
    }
  };
  await run(2 * N, 512); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(0, N);
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / N;
  console.log(`${label.padEnd(30)} ${wall.toFixed(3)} ms wall  ${((used.user + used.system) / 1000 / N).toFixed(3)} ms cpu`);
}

await time("HMAC (node:crypto)", (i) => createHmac("sha256", SECRET).update(bodies[i]!).digest("base64"));
await time("JSON.parse", (i) => JSON.parse(bodies[i]!.toString()));
await time("authenticateRawWebhook", (i) => authenticateRawWebhook(raws[i]!, SECRET, "orders/paid"));
await time("buildPurchaseFromOrder", (i) =>
  buildPurchaseFromOrder(orders[i], { nowMs: Date.now(), settings: DEFAULT_PURCHASE_SETTINGS, storefrontUrl: "https://x", sha256: nodeSha256 }),
);
await time("shopConfigs.getShop (cached)", () => context.shopConfigs.getShop(SHOP));
await time("ingestWrites (no rows)", (i) => context.ingestWrites.submit({ shop: SHOP, topic: "t", webhookId: `w-${i}-${Math.random()}`, rows: [] }));
let webhook = 0;
await time("ingestPaidOrder (all)", (i) => ingestPaidOrder(context, { shop: SHOP, webhookId: `w-${webhook++}`, payload: orders[i], nowMs: Date.now() }));
await context.close();
rmSync(dir, { recursive: true, force: true });
