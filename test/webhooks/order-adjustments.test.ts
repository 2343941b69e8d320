import { describe, expect, it } from "vitest";
import { action as ordersCancelled } from "../../app/routes/webhooks.orders.cancelled";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { parseCancellation, parseRefund, refundedMoney, sumDecimals } from "../../app/webhooks/order-adjustments";
import cancelledFixture from "../../sim/fixtures/shopify/orders-cancelled.json";
import refundFixture from "../../sim/fixtures/shopify/refunds-create.json";
import { TEST_SECRET } from "../support/app-context";
import { useTestApp } from "../support/app";
import { buildWebhookRequest } from "../../sim/webhook-sender";

const SHOP = "demo-shop.myshopify.com";
const NOW = Date.parse("2025-12-04T00:00:00Z");

describe("orders/cancelled and refunds/create payloads", () => {
  it("reads the cancelled order's id, name, reason and time, and nothing about the customer", () => {
    const parsed = parseCancellation(cancelledFixture, NOW);
    expect(parsed).toEqual({
      ok: true,
      adjustment: {
        kind: "cancelled",
        orderId: "5812345678901",
        orderName: "#1001",
        sourceId: "cancelled",
        amount: null,
        currency: null,
        reason: "customer",
        occurredAt: Date.parse("2025-12-03T09:41:17-05:00"),
      },
    });
  });

  it("reads the refund's order, id and time, and sums only its successful refund transactions", () => {
    expect(parseRefund(refundFixture, NOW)).toEqual({
      ok: true,
      adjustment: {
        kind: "refunded",
        orderId: "5812345678901",
        orderName: null,
        sourceId: "929361462",
        amount: "24.00",
        currency: "USD",
        reason: null,
        occurredAt: Date.parse("2025-12-03T10:02:44-05:00"),
      },
    });
  });

  it("adds amounts exactly and leaves out what does not add up", () => {
    const tx = (amount: unknown, currency = "USD", kind = "refund", status = "success") => ({ kind, status, amount, currency });
    expect(refundedMoney([tx("0.10"), tx("0.20"), tx("19.70")])).toEqual({ amount: "20.00", currency: "USD" });
    expect(refundedMoney([tx("2000", "JPY"), tx("500", "JPY")])).toEqual({ amount: "2500", currency: "JPY" });
    expect(refundedMoney([tx("1.500", "KWD"), tx("2.25", "KWD")])).toEqual({ amount: "3.750", currency: "KWD" });
    expect(refundedMoney([tx("5.00", "USD", "refund", "pending"), tx("5.00", "USD", "sale"), tx("5.00", "USD", "refund", "failure")])).toEqual({ amount: null, currency: null });
    expect(refundedMoney([tx("5.00", "USD"), tx("5.00", "EUR")])).toEqual({ amount: null, currency: null });
    expect(refundedMoney([tx("-5.00"), tx("abc"), tx(null), "junk", null, tx("3.00")])).toEqual({ amount: "3.00", currency: "USD" });
    expect(refundedMoney([])).toEqual({ amount: null, currency: null });
    expect(sumDecimals(["0.05"])).toBe("0.05");
  });

  it("says why a payload cannot be recorded, and falls back to the arrival time when Shopify's is missing", () => {
    expect(parseCancellation({ name: "#1" }, NOW)).toEqual({ ok: false, reason: "no order id", orderId: null });
    expect(parseCancellation([1, 2], NOW)).toEqual({ ok: false, reason: "not an order object", orderId: null });
    expect(parseRefund({ id: 5, transactions: [] }, NOW)).toEqual({ ok: false, reason: "no order id", orderId: null });
    expect(parseRefund({ order_id: 77, transactions: [] }, NOW)).toEqual({ ok: false, reason: "no refund id", orderId: "77" });
    expect(parseCancellation({ id: 77, cancelled_at: "not a date", cancel_reason: "Something <b>odd</b>" }, NOW)).toMatchObject({
      ok: true,
      adjustment: { occurredAt: NOW, reason: null },
    });
    expect(parseRefund({ id: "gid://shopify/Refund/12", order_id: "gid://shopify/Order/77", transactions: "nope" }, NOW)).toMatchObject({
      ok: true,
      adjustment: { sourceId: "12", orderId: "77", amount: null, occurredAt: NOW },
    });
  });
});

describe("orders/cancelled and refunds/create routes", () => {
  const app = useTestApp();

  async function deliver(topic: "orders/cancelled" | "refunds/create", body: unknown, opts: { webhookId?: string; forgeHmac?: boolean; headerTopic?: string } = {}) {
    const request = buildWebhookRequest({
      url: `http://localhost:3000/webhooks/${topic}`,
      topic: opts.headerTopic ?? topic,
      shop: SHOP,
      body: body as object,
      secret: TEST_SECRET,
      webhookId: opts.webhookId,
      forgeHmac: opts.forgeHmac,
      apiVersion: "2026-10",
    });
    const action = topic === "orders/cancelled" ? ordersCancelled : refundsCreate;
    return action({ request, params: {}, context: {} });
  }
  const adjustments = () => app.context.database.db.selectFrom("order_adjustments").selectAll().orderBy("id").execute();
  const receipts = () => app.context.database.db.selectFrom("webhook_receipts").selectAll().execute();

  it("stores a signed cancellation and refund, without the refund note or any customer data", async () => {
    expect((await deliver("orders/cancelled", cancelledFixture, { webhookId: "wh-c" })).status).toBe(200);
    expect((await deliver("refunds/create", refundFixture, { webhookId: "wh-r" })).status).toBe(200);

    const rows = await adjustments();
    expect(rows.map((row) => [row.kind, row.order_id, row.amount, row.currency, row.reason, row.purchase])).toEqual([
      ["cancelled", "5812345678901", null, null, "customer", "none"],
      ["refunded", "5812345678901", "24.00", "USD", null, "none"],
    ]);
    const stored = JSON.stringify(rows);
    for (const raw of [refundFixture.note, cancelledFixture.email, cancelledFixture.customer.first_name, cancelledFixture.billing_address.city]) {
      expect(stored).not.toContain(raw);
    }
  });

  it("stores nothing more for a re-delivery of the same webhook id", async () => {
    await deliver("refunds/create", refundFixture, { webhookId: "wh-r" });
    const again = await deliver("refunds/create", refundFixture, { webhookId: "wh-r" });

    expect(again.status).toBe(200);
    expect(await adjustments()).toHaveLength(1);
    expect(await receipts()).toHaveLength(1);
  });

  it("answers 401 to a forged signature and leaves no trace", async () => {
    const cancelled = await deliver("orders/cancelled", cancelledFixture, { forgeHmac: true });
    const refunded = await deliver("refunds/create", refundFixture, { forgeHmac: true });

    expect([cancelled.status, refunded.status]).toEqual([401, 401]);
    expect(await adjustments()).toEqual([]);
    expect(await receipts()).toEqual([]);
  });

  it("refuses a delivery of another topic on this route with 400", async () => {
    const response = await deliver("refunds/create", refundFixture, { headerTopic: "orders/paid" });
    expect(response.status).toBe(400);
    expect(await receipts()).toEqual([]);
  });

  it("answers a payload that names no order with 200 and the reason, keeps its receipt and records nothing else", async () => {
    const response = await deliver("refunds/create", { id: 929361462, transactions: [] }, { webhookId: "wh-bad" });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("not recorded: no order id");
    expect(await adjustments()).toEqual([]);
    expect((await receipts()).map((row) => row.webhook_id)).toEqual(["wh-bad"]);
    expect((await deliver("orders/cancelled", "[]", { webhookId: "wh-bad-2" })).status).toBe(200);
    expect(await adjustments()).toEqual([]);
  });
});
