import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { configureShop } from "../../app/shops/configure-shop.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { createWebhookClient, type WebhookClient } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { inParallel } from "./http-app";
import { startScaleModeServer, type ScaleModeServer } from "./scale-mode-server";
import { sleep, waitFor } from "../support/wait";

// Scale mode end to end: the real HTTP server with DATABASE_URL=postgres and REDIS_URL set (so, by default,
// no worker in the web process), webhooks with repeats and redeliveries, then a separate worker context (as
// `npm run worker` builds it) delivers. The server uses the default queue name, so this file takes a Redis
// database of its own and empties it afterwards.

const REDIS_URL = "redis://127.0.0.1:6379/8";
const SHOP = "scale-http.myshopify.com";
const PIXEL = "888888888888888";
const TOKEN = "EAAB-scale-http";
const ORDERS = 400;

let scale: ScaleModeServer;
let sim: MetaSimulator;
let server: ScaleModeServer["server"];
let web: AppContext;
let client: WebhookClient;
let worker: AppContext | undefined;

beforeAll(async () => {
  scale = await startScaleModeServer({ redisUrl: REDIS_URL, pixels: { [PIXEL]: TOKEN } });
  ({ sim, server, web } = scale);
  await configureShop(web, SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
  client = createWebhookClient({ baseUrl: `http://127.0.0.1:${server.port}`, secret: TEST_SECRET, maxSockets: 16 });
});
afterAll(async () => {
  client?.close();
  await worker?.close();
  await scale?.close();
});

describe("scale mode through the HTTP server", () => {
  it("web process only records; a separate worker delivers exactly one event per order", async () => {
    const processedAt = new Date(Date.now() - 60_000).toISOString();
    const sends = [
      ...Array.from({ length: ORDERS }, (_, n) => ({ n, id: `sh-${n}` })),
      ...Array.from({ length: ORDERS / 5 }, (_, i) => ({ n: i * 3, id: `sh-${i * 3}` })),
      ...Array.from({ length: ORDERS / 10 }, (_, i) => ({ n: i * 7, id: `sh-again-${i}` })),
    ];
    const results = await inParallel(
      sends.map((send) => () =>
        client.send("orders/paid", SHOP, JSON.stringify(numberedOrder(send.n, { processed_at: processedAt })), { webhookId: send.id }),
      ),
      16,
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);

    // THEN the web process, with REDIS_URL and no WORKER=inline, sends nothing itself
    await sleep(500);
    expect(sim.accepted).toHaveLength(0);
    expect((await web.outbox.countByStatus(SHOP)).pending).toBe(ORDERS);

    // WHEN a worker process starts THEN each order reaches Meta once
    worker = await createAppContext(parseEnv(process.env), { startWorker: true, worker: { owner: "worker-1", pollIntervalMs: 200 } });
    await waitFor(async () => (await web.outbox.countByStatus(SHOP)).sent === ORDERS, 20_000, "all orders sent");
    expect(sim.countsBy(PIXEL)).toMatchObject({ keys: ORDERS, server: ORDERS, duplicateDeliveryKeys: 0 });
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
  }, 90_000);
});
