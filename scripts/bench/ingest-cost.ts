// `npx node --import tsx scripts/bench/ingest-cost.ts`: CPU cost per webhook of each ingest step, in-process and
// sequential, to see where the route's time goes (the bench reports the totals).
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { ingestPaidOrder } from "../../app/webhooks/ingest-paid-order.server";
import { numberedOrder } from "../../test/fixtures/factories";

const N = 1000;
const SHOP = "cost.myshopify.com";
const dir = mkdtempSync(join(tmpdir(), "tandem-cost-"));
const config = parseEnv({
  SHOPIFY_API_KEY: "k",
  SHOPIFY_API_SECRET: "s",
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  DATABASE_URL: `file:${join(dir, "t.sqlite")}`,
  WORKER: "off",
  LOG_LEVEL: "silent",
});
const context = await createAppContext(config, { startWorker: false, worker: { metrics: null } });
await context.shops.configureShop(SHOP, { pixelIds: ["1"], accessToken: "EAAx" }, Date.now());
const now = new Date().toISOString();
const orders: unknown[] = Array.from({ length: 3 * N }, (_, i) => JSON.parse(JSON.stringify(numberedOrder(i, { processed_at: now }))));
const body = JSON.stringify(orders[0]);

async function time(label: string, step: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i += 1) await step(2 * N + i); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < N; i += 1) await step(i);
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / N;
  console.log(`${label.padEnd(26)} ${wall.toFixed(3)} ms wall  ${((used.user + used.system) / 1000 / N).toFixed(3)} ms cpu`);
}

let webhook = 0;
await time("buildPurchaseFromOrder", (i) =>
  buildPurchaseFromOrder(orders[i], { nowMs: Date.now(), settings: DEFAULT_PURCHASE_SETTINGS, storefrontUrl: "https://x" }),
);
await time("shops.getShop", () => context.shops.getShop(SHOP));
await time("receipts.has", (i) => context.receipts.has(SHOP, "orders/paid", `has-${i}`));
await time("receipts.record", (i) => context.receipts.record(SHOP, "orders/paid", `rec-${i}`, Date.now()));
await time("ingestPaidOrder (all)", (i) =>
  ingestPaidOrder(context, { shop: SHOP, webhookId: `w-${webhook++}`, payload: orders[i], nowMs: Date.now() }),
);
await time("HMAC (node:crypto)", async () => createHmac("sha256", "s").update(body).digest("base64"));
await context.close();
rmSync(dir, { recursive: true, force: true });
