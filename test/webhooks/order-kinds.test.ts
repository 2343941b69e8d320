import { afterEach, describe, expect, it } from "vitest";
import { setAppContext } from "../../app/context.server";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as ordersPaid } from "../../app/routes/webhooks.orders.paid";
import { listActivity } from "../../app/admin/activity.server";
import { healthSummary } from "../../app/admin/health.server";
import { buildOrder, numberedOrder, withConsent, withEventIdAttribute } from "../../sim/fixtures/order-payloads";
import { MODES, PIXEL, SHOP, startFaultApp, type FaultApp } from "../faults/fault-app";
import { sleep, waitFor } from "../support/wait";
import { buildWebhookRequest } from "../../sim/webhook-sender";

// Every kind of order, end to end (decision 0015): a signed webhook through the real route, the worker, and
// what the Meta simulator records — on SQLite (embedded) and PostgreSQL + BullMQ (scale).

const HOUR_MS = 3_600_000;
let app: FaultApp | undefined;
afterEach(async () => {
  setAppContext(undefined);
  await app?.close();
  app = undefined;
});

async function deliver(topic: "orders/paid" | "orders/create", body: object, webhookId: string): Promise<number> {
  const request = buildWebhookRequest({
    url: `http://localhost:3000/webhooks/${topic}`,
    topic,
    shop: SHOP,
    body,
    secret: app!.web.env.SHOPIFY_API_SECRET,
    webhookId,
  });
  const handler = topic === "orders/paid" ? ordersPaid : ordersCreate;
  return (await handler({ request, params: {}, context: {} })).status;
}

const recent = () => new Date(Date.now() - 60_000).toISOString();
const sharedId = "SharedCartIdCopied000001";

function sentEvents() {
  return app!.sim.accepted.map((accepted) => accepted.event as Record<string, unknown>);
}

async function settle(expectedSent: number): Promise<void> {
  await app!.startWorkers();
  await waitFor(async () => app!.sim.accepted.length >= expectedSent, 10_000, `${expectedSent} events accepted`);
  // Let anything that should not be sent have its chance to show up.
  await sleep(400);
}

describe.each(MODES)("every kind of order (%s mode)", (mode) => {
  it("sends a colliding order under its own id, never sends test orders, and Activity and Health say so", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    // GIVEN two orders carrying one cart id (a copied cart), a re-delivery of the first under a new webhook id,
    // a second order reusing the first one's checkout token, and a test order
    const first = withEventIdAttribute(sharedId, numberedOrder(1, { processed_at: recent() }));
    const second = withEventIdAttribute(sharedId, numberedOrder(2, { processed_at: recent() }));
    const sameToken = numberedOrder(3, { processed_at: recent(), note_attributes: [], checkout_token: first.checkout_token });
    const firstToken = numberedOrder(4, { processed_at: recent(), note_attributes: [], checkout_token: first.checkout_token });
    const test = numberedOrder(5, { processed_at: recent(), test: true, gateway: "bogus" });
    for (const [body, id] of [[first, "wh-1"], [second, "wh-2"], [first, "wh-1-again"], [sameToken, "wh-3"], [firstToken, "wh-4"], [test, "wh-5"]] as const) {
      expect(await deliver("orders/paid", body, id)).toBe(200);
    }

    await settle(4);

    // THEN Meta got one event per real order: the first keeps the cart id, the others their own ids
    const ids = sentEvents().map((event) => [(event.custom_data as { order_id: string }).order_id, event.event_id]).sort();
    expect(ids).toEqual([
      [String(first.id), sharedId],
      [String(second.id), `order_${second.id}`],
      [String(sameToken.id), `ck_${first.checkout_token}`],
      [String(firstToken.id), `order_${firstToken.id}`],
    ]);
    expect(sentEvents().filter((event) => (event.custom_data as { order_id: string }).order_id === String(test.id))).toEqual([]);

    const activity = await listActivity(app.web, { shop: SHOP });
    const byOrder = new Map(activity.rows.map((row) => [row.orderName, row]));
    expect(byOrder.get(second.name)).toMatchObject({ provenance: "collision", eventId: `order_${second.id}` });
    expect(byOrder.get(test.name)).toMatchObject({ status: "skipped", statusReason: "test_order" });
    const health = await healthSummary(app.web, SHOP, 7, Date.now());
    expect(health.totals).toMatchObject({ collisions: 2, testOrders: 1, paidOrders: 5, delivered: 4 });
  });

  it("gives a consented order its own id when the order that owns its id was skipped for consent", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    const denied = withConsent("m0;a1;s1", withEventIdAttribute(sharedId, numberedOrder(1, { processed_at: recent() })));
    const allowed = withConsent("m1;a1;s1", withEventIdAttribute(sharedId, numberedOrder(2, { processed_at: recent() })));
    await deliver("orders/paid", denied, "wh-denied");
    await deliver("orders/paid", allowed, "wh-allowed");

    await settle(1);

    expect(sentEvents().map((event) => event.event_id)).toEqual([`order_${allowed.id}`]);
  });

  it("sends a subscription renewal as RecurringPurchase, system_generated, under its own id (the default)", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    // GIVEN the first order of a subscription and its renewal, which carries the contract's copied attributes
    const initial = withEventIdAttribute(sharedId, numberedOrder(1, { processed_at: recent() }));
    const renewal = withEventIdAttribute(
      sharedId,
      numberedOrder(2, { processed_at: recent(), source_name: "subscription_contract", checkout_token: null, browser_ip: null, client_details: null, landing_site: null }),
    );
    await deliver("orders/paid", initial, "wh-initial");
    await deliver("orders/paid", renewal, "wh-renewal");

    await settle(2);

    const renewalEvent = sentEvents().find((event) => event.event_id === `order_${renewal.id}`);
    expect(renewalEvent).toMatchObject({ event_name: "RecurringPurchase", action_source: "system_generated" });
    expect(sentEvents().find((event) => event.event_id === sharedId)).toMatchObject({ event_name: "Purchase", action_source: "website" });
    const activity = await listActivity(app.web, { shop: SHOP });
    expect(activity.rows.find((row) => row.eventId === `order_${renewal.id}`)).toMatchObject({ orderKind: "no_shopper", provenance: "order_id" });
    expect((await healthSummary(app.web, SHOP, 7, Date.now())).totals).toMatchObject({ noShopper: 1, collisions: 0, paidOrders: 2 });
  });

  it("sends renewals as Purchase, or not at all, when the shop says so", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    const renewal = (n: number) => numberedOrder(n, { processed_at: recent(), source_name: "subscription_contract", checkout_token: null, browser_ip: null, client_details: null });
    await app.web.shops.saveShopConfig(SHOP, { settings: { noShopperOrders: "purchase" } }, Date.now());
    await deliver("orders/paid", renewal(1), "wh-1");
    await app.web.shops.saveShopConfig(SHOP, { settings: { noShopperOrders: "skip" } }, Date.now());
    await sleep(2_100); // the webhook path caches shop settings for 2 s
    await deliver("orders/paid", renewal(2), "wh-2");

    await settle(1);

    expect(sentEvents().map((event) => [event.event_name, event.action_source, event.event_id])).toEqual([["Purchase", "system_generated", `order_${renewal(1).id}`]]);
    const skipped = (await listActivity(app.web, { shop: SHOP, status: "skipped" })).rows;
    expect(skipped.map((row) => row.statusReason)).toEqual(["no_shopper_not_sent"]);
  });

  it("marks a payment 3 days after checkout as late and sends a payment 9 days after checkout with the payment time", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    const threeDays = numberedOrder(1, { processed_at: new Date(Date.now() - 72 * HOUR_MS).toISOString() });
    const nineDays = numberedOrder(2, { processed_at: new Date(Date.now() - 9 * 24 * HOUR_MS).toISOString() });
    const before = Math.floor(Date.now() / 1000);
    await deliver("orders/paid", threeDays, "wh-3d");
    await deliver("orders/paid", nineDays, "wh-9d");

    await settle(2);

    const byOrder = new Map(sentEvents().map((event) => [(event.custom_data as { order_id: string }).order_id, event]));
    expect(byOrder.get(String(threeDays.id))?.event_time).toBe(Math.floor(Date.parse(threeDays.processed_at) / 1000));
    expect(Number(byOrder.get(String(nineDays.id))?.event_time)).toBeGreaterThanOrEqual(before);
    const kinds = (await listActivity(app.web, { shop: SHOP })).rows.map((row) => [row.orderName, row.orderKind]).sort();
    expect(kinds).toEqual([
      [threeDays.name, "late_payment"],
      [nineDays.name, "very_late_payment"],
    ]);
    expect((await healthSummary(app.web, SHOP, 7, Date.now())).totals.latePayments).toBe(2);
  });

  it("sends on orders/create for a cash-on-delivery shop, once, whichever topic comes first; ignores orders/create otherwise", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    // GIVEN a shop that sends on payment: orders/create stores nothing
    const paidShopOrder = numberedOrder(1, { processed_at: recent() });
    expect(await deliver("orders/create", paidShopOrder, "wh-create-1")).toBe(200);
    expect(await app.web.outbox.countByStatus(SHOP)).toMatchObject({ pending: 0 });

    // WHEN the shop switches to sending when the order is placed
    await app.web.shops.saveShopConfig(SHOP, { settings: { sendOn: "created" } }, Date.now());
    await sleep(2_100); // the webhook path caches shop settings for 2 s
    const cod = numberedOrder(2, { processed_at: new Date(Date.now() - 30 * HOUR_MS).toISOString(), financial_status: "pending" });
    expect(await deliver("orders/create", cod, "wh-create-2")).toBe(200);
    // ... and its payment comes days later, under another topic and another id
    expect(await deliver("orders/paid", withEventIdAttribute("AnotherIdAfterPayment001", cod), "wh-paid-2")).toBe(200);

    await settle(1);

    expect(sentEvents().map((event) => (event.custom_data as { order_id: string }).order_id)).toEqual([String(cod.id)]);
    expect(sentEvents()[0]?.event_time).toBe(Math.floor(Date.parse(cod.processed_at) / 1000));
    expect((await listActivity(app.web, { shop: SHOP })).rows.map((row) => row.orderKind)).toEqual([null]);
  });

  it("sends a post-purchase upsell's re-delivered order once: the first paid payload is the event", async () => {
    app = await startFaultApp(mode);
    setAppContext(app.web);
    const order = numberedOrder(1, { processed_at: recent() });
    const withUpsell = { ...buildOrder(), ...order, total_price: "120.00", current_total_price: "120.00" };
    await deliver("orders/paid", order, "wh-paid");
    await deliver("orders/paid", withUpsell, "wh-paid-after-edit");

    await settle(1);

    expect(sentEvents()).toHaveLength(1);
    expect(app.sim.accepted.map((accepted) => accepted.pixelId)).toEqual([PIXEL]);
    expect((sentEvents()[0]?.custom_data as { value: number }).value).not.toBe(120);
  });
});
