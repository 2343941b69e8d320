import { afterEach, describe, expect, it } from "vitest";
import { setAppContext } from "../../app/context.server";
import { listActivity } from "../../app/admin/activity.server";
import { healthSummary } from "../../app/admin/health.server";
import { CANCELLED_BEFORE_SENDING } from "../../app/db/outbox-cancel.server";
import { action as ordersCancelled } from "../../app/routes/webhooks.orders.cancelled";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import cancelledFixture from "../../sim/fixtures/shopify/orders-cancelled.json";
import refundFixture from "../../sim/fixtures/shopify/refunds-create.json";
import { MODES, SHOP, startFaultApp, type FaultApp } from "../faults/fault-app";
import { sleep, waitFor } from "../support/wait";
import { buildWebhookRequest } from "../../sim/webhook-sender";

// Cancellations and refunds end to end (decision 0024): signed webhooks through the real routes, the worker,
// and what the Meta simulator records — SQLite with the delivery thread (embedded) and PostgreSQL + BullMQ
// (scale). A cash-on-delivery shop sends on orders/create; an order cancelled before the worker sent it is
// never sent, one cancelled after keeps its sent Purchase.

let app: FaultApp | undefined;
afterEach(async () => {
  setAppContext(undefined);
  await app?.close();
  app = undefined;
});

const ROUTES = { "orders/create": ordersCreate, "orders/cancelled": ordersCancelled, "refunds/create": refundsCreate } as const;

async function deliver(topic: keyof typeof ROUTES, body: object, webhookId: string): Promise<number> {
  const request = buildWebhookRequest({ url: `http://localhost:3000/webhooks/${topic}`, topic, shop: SHOP, body, secret: app!.web.env.SHOPIFY_API_SECRET, webhookId, apiVersion: "2026-10" });
  return (await ROUTES[topic]({ request, params: {}, context: {} })).status;
}

const recent = () => new Date(Date.now() - 60_000).toISOString();
const sentOrderIds = () => app!.sim.accepted.map((accepted) => ((accepted.event as { custom_data?: { order_id?: string } }).custom_data?.order_id ?? ""));

function cancellationOf(order: { id: number; name: string }) {
  return { ...cancelledFixture, id: order.id, admin_graphql_api_id: `gid://shopify/Order/${order.id}`, name: order.name, cancelled_at: new Date().toISOString() };
}

describe.each(MODES)("cancellations and refunds (%s mode)", (mode) => {
  it("never sends an order cancelled before its Purchase went out, keeps one sent before, and Activity and Health say so", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    await app.web.shops.saveShopConfig(SHOP, { settings: { sendOn: "created" } }, Date.now());
    const sentFirst = numberedOrder(1, { processed_at: recent() });
    const cancelledEarly = numberedOrder(2, { processed_at: recent() });

    // GIVEN two cash-on-delivery orders placed, the second cancelled before any worker runs
    expect(await deliver("orders/create", sentFirst, "wh-create-1")).toBe(200);
    expect(await deliver("orders/create", cancelledEarly, "wh-create-2")).toBe(200);
    expect(await deliver("orders/cancelled", cancellationOf(cancelledEarly), "wh-cancel-2")).toBe(200);

    // WHEN the worker has sent what there is to send, and the first order is then cancelled (twice: a
    // re-delivery) and refunded
    await app.startWorkers();
    await waitFor(async () => ((await app!.statusCounts(SHOP)).sent ?? 0) >= 1, 10_000, "the first order recorded as sent");
    expect(await deliver("orders/cancelled", cancellationOf(sentFirst), "wh-cancel-1")).toBe(200);
    expect(await deliver("orders/cancelled", cancellationOf(sentFirst), "wh-cancel-1")).toBe(200);
    expect(await deliver("refunds/create", { ...refundFixture, order_id: sentFirst.id, created_at: new Date().toISOString(), processed_at: new Date().toISOString() }, "wh-refund-1")).toBe(200);
    await sleep(800);

    // THEN Meta only ever got the first order
    expect(sentOrderIds()).toEqual([String(sentFirst.id)]);
    const activity = await listActivity(app.web, { shop: SHOP });
    const byOrder = new Map(activity.rows.map((row) => [row.orderId, row]));
    expect(byOrder.get(String(cancelledEarly.id))).toMatchObject({
      status: "skipped",
      statusReason: CANCELLED_BEFORE_SENDING,
      adjustments: [{ kind: "cancelled", reason: "customer", purchase: "stopped" }],
    });
    expect(byOrder.get(String(sentFirst.id))).toMatchObject({
      status: "sent",
      adjustments: [
        { kind: "cancelled", purchase: "sent" },
        { kind: "refunded", amount: "24.00", currency: "USD", purchase: "sent" },
      ],
    });
    const health = await healthSummary(app.web, SHOP, 7, Date.now());
    expect(health.adjustments).toEqual({ cancelled: 2, refunded: 1 });
    expect(health.totals.skipped.cancelled_before_sending).toBe(1);
    expect(health.totals.delivered).toBe(1);
  });
});
