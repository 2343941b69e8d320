import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../app/logger.server";
import { buildOrder, FIXTURE } from "../../sim/fixtures/order-payloads";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { useTestApp } from "../support/app";
import { captureLines, deliverPaidOrder, META_TOKEN, PIXEL, SHOP } from "./support";

describe("structured logs", () => {
  let sim: MetaSimulator;
  let capture: ReturnType<typeof captureLines>;
  let lines: string[];

  beforeAll(async () => {
    sim = await startMetaSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    sim.registerPixel(PIXEL, META_TOKEN);
    capture = captureLines();
    lines = capture.lines;
  });
  const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url }), options: () => ({ logger: createLogger("trace", capture.stream) }) });
  beforeEach(async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: META_TOKEN }, Date.now());
  });

  it("a webhook and its delivery log shop and event ids, and no PII or token", async () => {
    // GIVEN an order full of PII, delivered once, then a Meta failure on a second order
    const now = new Date().toISOString();
    const order = buildOrder({ processed_at: now, created_at: now });
    expect((await deliverPaidOrder(order, { webhookId: "wh-logs-1" })).status).toBe(200);
    expect((await app.context.worker.runOnce()).sent).toBe(1);
    sim.injectFailures({ kind: "http500", count: 1 });
    const second = buildOrder({ id: 5812345678999, processed_at: now, created_at: now, note_attributes: [], checkout_token: "c".repeat(32) });
    await deliverPaidOrder(second, { webhookId: "wh-logs-2" });
    expect((await app.context.worker.runOnce()).retried).toBe(1);

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const ingested = records.find((r) => r.msg === "orders/paid ingested");
    expect(ingested).toMatchObject({ shop: SHOP, webhookId: "wh-logs-1", outcome: "queued" });
    const delivered = records.find((r) => r.msg === "delivered to Meta");
    expect(delivered).toMatchObject({ shop: SHOP, eventIds: [FIXTURE.eventId] });
    expect(records).toContainEqual(expect.objectContaining({ msg: "Meta rejected a batch", shop: SHOP }));

    // THEN no raw PII from either order and no token appears anywhere in the output
    const output = lines.join("\n");
    const secrets = [
      order.email,
      order.phone,
      order.customer?.email,
      order.customer?.first_name,
      order.customer?.last_name,
      order.billing_address?.phone,
      order.billing_address?.address1,
      order.shipping_address?.last_name,
      META_TOKEN,
      "test-api-secret",
    ].filter((value): value is string => typeof value === "string" && value.length > 2);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
