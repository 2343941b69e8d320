// `node --import tsx scripts/bench/collector-cost.ts`: CPU per collected event of each step of POST /collect,
// in-process (no HTTP), next to what the JSON-only baseline does per request (JSON.parse of the same event).
// CPU time is steadier than events/s on a busy machine; the bench (collector-phases.ts) reports the totals.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isbot } from "isbot";
import { createAppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { parseCollectBody } from "../../app/collector/collect-body";
import { buildFunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import { funnelRows } from "../../app/collector/funnel-rows";
import { handleCollectRequest } from "../../app/collector/collector.server";
import { createCollectHandler } from "../../app/collector/collect-handler.server";
import { collectorMetrics } from "../../app/collector/collector-metrics.server";
import { writeCollected } from "../../app/db/collector-writes.server";
import { Registry } from "prom-client";
import { collectBodies } from "./collect-bodies";

const N = 5000;
const CONCURRENCY = 64;
const SHOPS = ["cost-1.myshopify.com", "cost-2.myshopify.com", "cost-3.myshopify.com", "cost-4.myshopify.com"];
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const dir = mkdtempSync(join(tmpdir(), "tandem-collector-cost-"));
const config = parseEnv({
  SHOPIFY_API_KEY: "k",
  SHOPIFY_API_SECRET: "s",
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  DATABASE_URL: `file:${join(dir, "t.sqlite")}`,
  WORKER: "off",
  LOG_LEVEL: "silent",
  TRUST_PROXY: "1",
});
const context = await createAppContext(config, { startWorker: false, worker: { metrics: null } });
for (const [i, shop] of SHOPS.entries()) await context.shops.saveShopConfig(shop, { pixelIds: [`90000000000${i}`], accessToken: "EAAx" }, Date.now());
const nowMs = Date.now();
// Warm-up bodies first, then the measured ones: every event id is new, as in the bench.
const items = collectBodies(SHOPS, 1, Math.ceil((3 * N) / 5), nowMs).slice(0, 3 * N);
const jsonBodies = items.map((item) => Buffer.from(JSON.stringify(Object.fromEntries(new URLSearchParams(item.body)))));
const parsed = items.map((item) => {
  const result = parseCollectBody(item.body, nowMs);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
});
const requests = items.map((item) => {
  const headers: Record<string, string> = { "user-agent": USER_AGENT, "x-forwarded-for": item.clientAddress, "content-type": "text/plain" };
  return { path: "/collect", query: "", header: (name: string) => headers[name], body: Buffer.from(item.body), socketAddress: "127.0.0.1" };
});

async function time(label: string, from: number, step: (i: number) => unknown): Promise<void> {
  const run = async (start: number, count: number) => {
    for (let i = start; i < start + count; i += CONCURRENCY) {
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => step(i + k)));
    }
  };
  await run(from, 1000); // warm-up: V8 compiles hot code lazily
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(from + 1000, N);
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / N;
  console.log(`${label.padEnd(34)} ${(wall * 1000).toFixed(1).padStart(7)} µs wall  ${((used.user + used.system) / N).toFixed(1).padStart(7)} µs cpu`);
}

await time("baseline: JSON.parse", 0, (i) => JSON.parse(jsonBodies[i % jsonBodies.length]!.toString("utf8")));
await time("isbot (same UA)", 0, () => isbot(USER_AGENT));
await time("parseCollectBody", 0, (i) => parseCollectBody(items[i % items.length]!.body, nowMs));
await time("buildFunnelCapiEvent + funnelRows", 0, (i) => {
  const event = parsed[i % parsed.length]!;
  return funnelRows(event.shop, ["1"], buildFunnelCapiEvent(event, { ipAddress: "198.18.0.1", userAgent: USER_AGENT }, nowMs), nowMs);
});
const stored = createCollectHandler({
  shopConfigs: context.shopConfigs,
  write: async () => true,
  notify: async () => undefined,
  appSecret: "s",
  trustedProxies: 1,
  metrics: collectorMetrics(new Registry()),
});
await time("handler: all steps but the write", 0, (i) => stored(requests[i % requests.length]!));
await time("writeCollected (64 events a commit)", 0, (i) => {
  if (i % CONCURRENCY !== 0) return;
  const writes = parsed.slice(i, i + CONCURRENCY).map((event) => ({
    kind: "funnel" as const,
    rows: funnelRows(event.shop, ["2"], buildFunnelCapiEvent(event, { ipAddress: "198.18.0.1", userAgent: USER_AGENT }, nowMs), nowMs),
  }));
  return writeCollected(context.database, writes, nowMs);
});
const services = async () => context;
let bad = 0;
await time("handler: all steps + group commit", 0, async (i) => {
  const answer = await handleCollectRequest(services, requests[i]!);
  if (answer.status !== 204) bad += 1;
});
const counts = await context.outbox.countByStatus();
console.log(`non-204 answers: ${bad}; rows stored: ${JSON.stringify(counts)}`);
await context.close();
rmSync(dir, { recursive: true, force: true });
