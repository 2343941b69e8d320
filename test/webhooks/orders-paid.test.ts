import { describe, expect, it } from "vitest";
import { action } from "../../app/routes/webhooks.orders.paid";
import { buildWebhookRequest } from "../../sim/webhook-sender";
import { buildOrder, posOrder, withConsent, withoutNoteAttributes } from "../../sim/fixtures/order-payloads";
import { TEST_SECRET } from "../support/app-context";
import { useTestApp } from "../support/app";
import { responseOf } from "../support/thrown-response";

const SHOP = "demo-shop.myshopify.com";
const URL_ = "http://localhost:3000/webhooks/orders/paid";


const app = useTestApp();

async function deliver(body: unknown, opts: { webhookId?: string; forgeHmac?: boolean; topic?: string } = {}) {
  const request = buildWebhookRequest({
    url: URL_,
    topic: opts.topic ?? "orders/paid",
    shop: SHOP,
    body: body as object,
    secret: TEST_SECRET,
    webhookId: opts.webhookId,
    forgeHmac: opts.forgeHmac,
  });
  return responseOf(action({ request, params: {}, context: {} }));
}

async function allRows() {
  return app.context.database.db.selectFrom("deliveries").selectAll().orderBy("id").execute();
}

async function configure() {
  await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["111222333"], accessToken: "EAAtoken" }, Date.now());
}

describe("orders/paid webhook route", () => {
  it("queues one Purchase row with the note-attribute event id, hashed data, and answers 200", async () => {
    await configure();
    const order = buildOrder();
    const response = await deliver(order, { webhookId: "wh-1" });
    expect(response.status).toBe(200);
    const rows = await allRows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ shop: SHOP, destination: "meta:111222333", event_name: "Purchase", status: "pending", provenance: "note_attribute" });
    const stored = JSON.stringify(row);
    // THEN no raw PII from the order is stored anywhere in the row
    for (const raw of [order.email, order.customer?.first_name, order.billing_address?.city, order.phone].filter(Boolean)) {
      expect(stored).not.toContain(String(raw));
    }
    expect(JSON.parse(row.payload ?? "{}").user_data.em).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects a forged HMAC with 401 and stores nothing", async () => {
    await configure();
    const response = await deliver(buildOrder(), { forgeHmac: true });
    expect(response.status).toBe(401);
    expect(await allRows()).toHaveLength(0);
    const receipts = await app.context.database.db.selectFrom("webhook_receipts").selectAll().execute();
    expect(receipts).toHaveLength(0);
  });

  it("keeps exactly one row for a duplicate delivery and for the same order under a new webhook id", async () => {
    await configure();
    const order = buildOrder();
    expect((await deliver(order, { webhookId: "wh-1" })).status).toBe(200);
    expect((await deliver(order, { webhookId: "wh-1" })).status).toBe(200);
    expect((await deliver(order, { webhookId: "wh-2" })).status).toBe(200);
    expect(await allRows()).toHaveLength(1);
  });

  it("answers 200 and records a failed row with the reason for an order it cannot map", async () => {
    await configure();
    const response = await deliver({ id: 42, note: "no money, no line items", total_price: "abc" }, { webhookId: "wh-bad" });
    expect(response.status).toBe(200);
    const rows = await allRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("dead");
    expect(rows[0]!.status_reason).toMatch(/invalid order payload/);
  });

  it("holds the event while the shop is unconfigured, then queues it once configured", async () => {
    await deliver(buildOrder({ processed_at: new Date().toISOString() }), { webhookId: "wh-early" });
    let rows = await allRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "held", destination: "meta:unconfigured" });

    const { configureShop } = await import("../../app/shops/configure-shop.server");
    await configureShop(app.context, SHOP, { pixelIds: ["111222333"], accessToken: "EAAtoken" }, Date.now());
    rows = await allRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", destination: "meta:111222333" });
  });

  it("holds an order paid 8 days after it was placed with the payment time as event_time, then queues it", async () => {
    // Meta refuses event_time older than 7 days, so a very late payment is sent at the time it was paid (decision 0015).
    const before = Math.floor(Date.now() / 1000);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await deliver(buildOrder({ processed_at: eightDaysAgo }), { webhookId: "wh-old" });
    const { configureShop } = await import("../../app/shops/configure-shop.server");
    await configureShop(app.context, SHOP, { pixelIds: ["111222333"], accessToken: "EAAtoken" }, Date.now());
    const rows = await allRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", order_kind: "very_late_payment" });
    expect(Number(rows[0]!.event_time)).toBeGreaterThanOrEqual(before);
  });

  it("records an order whose consent says no as skipped, with nothing to send", async () => {
    await configure();
    await deliver(withConsent("m0;a1;s1"), { webhookId: "wh-no" });
    const rows = await allRows();
    expect(rows[0]).toMatchObject({ status: "skipped", payload: null });
  });

  it("uses the checkout token without note attributes and the order id for POS orders", async () => {
    await configure();
    await deliver(withoutNoteAttributes(buildOrder({ id: 5001 })), { webhookId: "a" });
    await deliver(posOrder({ id: 5002 }), { webhookId: "b" });
    const rows = await allRows();
    expect(rows.map((row) => row.provenance)).toEqual(["checkout_token", "order_id"]);
    expect(rows[1]!.event_id).toBe("order_5002");
  });

  it("answers 400 for a signed body that is not JSON and stores nothing", async () => {
    await configure();
    const response = await deliver("{not json", { webhookId: "wh-junk" });
    expect(response.status).toBe(400);
    expect(await allRows()).toHaveLength(0);
  });

  it("answers 400 for a correctly signed delivery of another topic", async () => {
    await configure();
    const response = await deliver(buildOrder(), { webhookId: "wh-topic", topic: "orders/create" });
    expect(response.status).toBe(400);
    expect(await allRows()).toHaveLength(0);
  });
});
