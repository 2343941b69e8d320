import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureShop } from "../../app/shops/configure-shop.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { waitFor } from "../support/wait";
import { inParallel, startHttpApp, type HttpApp } from "./http-app";

// 10,000 orders/paid deliveries through the real HTTP server: 7,000 orders, 2,000 repeats of a delivery
// (same X-Shopify-Webhook-Id) and 1,000 redeliveries of an order under a new webhook id, interleaved.

const SHOP = "flood-shop.myshopify.com";
const PIXEL = "555555555555555";
const TOKEN = "EAAB-flood-token";
const ORDERS = 7_000;
const SAME_ID_REPEATS = 2_000;
const NEW_ID_REDELIVERIES = 1_000;

let app: HttpApp;
beforeAll(async () => {
  app = await startHttpApp({ [PIXEL]: TOKEN });
  await configureShop(app.context, SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
});
afterAll(async () => {
  await app?.close();
});

type Send = { n: number; webhookId: string };

// Deterministic shuffle (mulberry32), so a failure replays the same interleaving.
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("webhook flood with duplicates and redeliveries", () => {
  it("records exactly one event per order and Meta receives each once", async () => {
    const sends: Send[] = [];
    for (let n = 0; n < ORDERS; n += 1) sends.push({ n, webhookId: `flood-${n}` });
    for (let i = 0; i < SAME_ID_REPEATS; i += 1) sends.push({ n: (i * 7) % ORDERS, webhookId: `flood-${(i * 7) % ORDERS}` });
    for (let i = 0; i < NEW_ID_REDELIVERIES; i += 1) sends.push({ n: (i * 13) % ORDERS, webhookId: `flood-again-${i}` });
    const processedAt = new Date(Date.now() - 60_000).toISOString();
    const bodies = new Map<number, string>();
    const body = (n: number) => {
      let text = bodies.get(n);
      if (text === undefined) {
        text = JSON.stringify(numberedOrder(n, { processed_at: processedAt }));
        bodies.set(n, text);
      }
      return text;
    };

    const started = Date.now();
    const results = await inParallel(
      shuffled(sends, 42).map((send) => () => app.client.send("orders/paid", SHOP, body(send.n), { webhookId: send.webhookId })),
      32,
    );
    const ingestMs = Date.now() - started;
    expect(results).toHaveLength(10_000);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);

    await waitFor(async () => (await app.context.outbox.countByStatus(SHOP)).sent === ORDERS, 30_000, "all orders sent");
    const counts = await app.context.outbox.countByStatus(SHOP);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(ORDERS);
    expect(app.sim.countsBy(PIXEL)).toMatchObject({ keys: ORDERS, server: ORDERS, duplicateDeliveryKeys: 0, doubleCountedKeys: 0 });
    const ackP99 = results.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(results.length * 0.99)] ?? 0;
    console.info(`[flood] 10,000 webhooks in ${ingestMs} ms (${Math.round(10_000_000 / ingestMs)}/s), ack p99 ${ackP99.toFixed(1)} ms, all ${ORDERS} delivered after ${Date.now() - started} ms`);
  }, 240_000);
});
