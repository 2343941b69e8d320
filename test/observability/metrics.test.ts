import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../app/observability/metrics.server";
import { renderMetrics } from "../../app/observability/render-metrics.server";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { useTestApp } from "../support/app";
import { deliverPaidOrder, META_TOKEN, PIXEL, sample, SHOP } from "./support";
import { sleep } from "../support/wait";

const QUEUED = 'tandem_webhooks_total{topic="orders/paid",result="queued"}';
const DUPLICATE = 'tandem_webhooks_total{topic="orders/paid",result="duplicate_delivery"}';
const UNAUTHORIZED = 'tandem_webhooks_total{topic="orders/paid",result="unauthorized"}';
const TOKEN_ERRORS = 'tandem_meta_errors_total{class="configuration",code="190",http_status="400"}';

function freshOrder(n: number) {
  const now = new Date().toISOString();
  return numberedOrder(n, { processed_at: now, created_at: now });
}

const METRICS_TOKEN = "observability-test-metrics-token";

async function scrape(): Promise<string> {
  const request = new Request("http://localhost:3000/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  const response = await metricsLoader({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

describe("/metrics", () => {
  let sim: MetaSimulator;

  beforeAll(async () => {
    sim = await startMetaSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    sim.registerPixel(PIXEL, META_TOKEN);
  });
  const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url, METRICS_TOKEN }) });
  beforeEach(async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: META_TOKEN }, Date.now());
  });

  it("counts webhooks by result, including duplicates and forged signatures", async () => {
    const before = await scrape();
    expect((await deliverPaidOrder(freshOrder(1), { webhookId: "wh-m1" })).status).toBe(200);
    expect((await deliverPaidOrder(freshOrder(1), { webhookId: "wh-m1" })).status).toBe(200);
    expect((await deliverPaidOrder(freshOrder(2), { forgeHmac: true })).status).toBe(401);
    const after = await scrape();
    expect(sample(after, QUEUED) - sample(before, QUEUED)).toBe(1);
    expect(sample(after, DUPLICATE) - sample(before, DUPLICATE)).toBe(1);
    expect(sample(after, UNAUTHORIZED) - sample(before, UNAUTHORIZED)).toBe(1);
    expect(after).toContain("tandem_webhook_ack_seconds_bucket");
  });

  it("reports outbox depth by status from the database at scrape time", async () => {
    await deliverPaidOrder(freshOrder(3));
    await deliverPaidOrder(freshOrder(4));
    let text = await scrape();
    expect(sample(text, 'tandem_outbox_depth{status="pending"}')).toBe(2);
    expect(sample(text, 'tandem_outbox_depth{status="sent"}')).toBe(0);
    await app.context.worker.runOnce();
    text = await scrape();
    expect(sample(text, 'tandem_outbox_depth{status="pending"}')).toBe(0);
    expect(sample(text, 'tandem_outbox_depth{status="sent"}')).toBe(2);
  });

  it("observes delivery latency from row creation to Meta's acceptance", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const { createDeliveryWorker } = await import("../../app/delivery/worker.server");
    const worker = createDeliveryWorker({ outbox: app.context.outbox, shops: app.context.shops, client: app.context.client, owner: "t", metrics });
    await deliverPaidOrder(freshOrder(5));
    await deliverPaidOrder(freshOrder(6));
    // GIVEN the rows waited ~150 ms and Meta answers after 100 ms
    await sleep(150);
    sim.setLatency(100);
    const summary = await worker.runOnce();
    sim.setLatency(0);
    expect(summary.sent).toBe(2);
    const text = await renderMetrics(metrics, app.context.outbox);
    expect(sample(text.body, "tandem_delivery_latency_seconds_count")).toBe(2);
    expect(sample(text.body, "tandem_events_sent_total")).toBe(2);
    // THEN none is below 0.25 s (150 ms waiting + 100 ms at Meta): the clock starts when the row is created.
    expect(sample(text.body, 'tandem_delivery_latency_seconds_bucket{le="0.25"}')).toBe(0);
    expect(sample(text.body, 'tandem_delivery_latency_seconds_bucket{le="5"}')).toBe(2);
  });

  it("counts Meta errors by class and code", async () => {
    const before = await scrape();
    sim.expireToken(PIXEL);
    await deliverPaidOrder(freshOrder(7));
    const summary = await app.context.worker.runOnce();
    expect(summary.needsAttention).toBe(1);
    const after = await scrape();
    expect(sample(after, TOKEN_ERRORS) - sample(before, TOKEN_ERRORS)).toBe(1);
  });

  it("the route and the worker share one process registry", async () => {
    // The composition root builds it (Services.metrics); the route renders it and the webhook path records in it.
    expect(app.context.metrics.registry.getSingleMetric("tandem_webhooks_total")).toBeDefined();
    expect((await deliverPaidOrder(freshOrder(8))).status).toBe(200);
    const recorded = sample(await app.context.metrics.registry.metrics(), QUEUED);
    expect(recorded).toBeGreaterThan(0);
    expect(sample(await scrape(), QUEUED)).toBe(recorded);
  });
});
