import { beforeEach, describe, expect, it } from "vitest";
import { writeIngests, type IngestWrite } from "../../app/db/ingest-writes.server";
import { createOrderAdjustments, type OrderAdjustments } from "../../app/db/order-adjustments.server";
import { CANCELLED_BEFORE_SENDING } from "../../app/db/outbox-cancel.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import type { OrderAdjustmentInput } from "../../app/webhooks/order-adjustments";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

const NOW = 1_800_000_000_000;
const SHOP = "shop-a.myshopify.com";
const OTHER = "shop-b.myshopify.com";
const CANCELLED = "orders/cancelled";
const REFUNDS = "refunds/create";

function cancellation(orderId: string, overrides: Partial<OrderAdjustmentInput> = {}): OrderAdjustmentInput {
  return { kind: "cancelled", orderId, orderName: `#${orderId}`, sourceId: "cancelled", amount: null, currency: null, reason: "customer", occurredAt: NOW - 1_000, ...overrides };
}

function refund(orderId: string, refundId: string, amount: string, overrides: Partial<OrderAdjustmentInput> = {}): OrderAdjustmentInput {
  return { kind: "refunded", orderId, orderName: null, sourceId: refundId, amount, currency: "USD", reason: null, occurredAt: NOW - 500, ...overrides };
}

/** An order's Purchase as the webhook path stores it: one row per pixel and the order's claim on its event id. */
function purchase(orderId: string, opts: { shop?: string; pixels?: string[]; status?: NewDelivery["status"]; eventName?: string } = {}): IngestWrite {
  const shop = opts.shop ?? SHOP;
  const eventName = opts.eventName ?? "Purchase";
  const eventId = `ck_${orderId}`;
  const rows: NewDelivery[] = (opts.pixels ?? ["111"]).map((pixel) => ({
    shop,
    destination: `meta:${pixel}`,
    eventName,
    eventId,
    provenance: "checkout_token",
    orderId,
    orderName: `#${orderId}`,
    eventTime: Math.floor(NOW / 1000) - 60,
    payload: { event_name: eventName, event_id: eventId, user_data: { em: ["a".repeat(64)] } },
    matchKeys: ["em"],
    status: opts.status ?? "pending",
    nextAttemptAt: NOW,
  }));
  return { shop, topic: "orders/create", webhookId: `wh-order-${orderId}`, rows, claim: { eventName, eventId, orderId, fallbackEventId: `order_${orderId}` } };
}

/** The order_adjustments store (migration 0009) and the stop of an unsent Purchase, on every engine. */
export function runOrderAdjustmentsContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`order adjustments: ${name}`, () => {
    const testDb = suiteDatabase(open);
    let store: OrderAdjustments;
    const db = () => testDb().database.db;
    beforeEach(async () => {
      await truncateAll(testDb().database);
      await db().deleteFrom("order_adjustments").execute();
      store = createOrderAdjustments(testDb().database);
    });

    async function rowsOf(orderId: string) {
      return db().selectFrom("deliveries").select(["destination", "status", "status_reason", "payload"]).where("order_id", "=", orderId).orderBy("destination").execute();
    }
    async function setStatus(orderId: string, status: string, extra: { lease_until?: number; lease_owner?: string } = {}) {
      await db().updateTable("deliveries").set({ status, ...extra }).where("order_id", "=", orderId).execute();
    }

    it("records a cancellation with its reason and time, and a second webhook id for it adds nothing", async () => {
      const first = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c1", adjustment: cancellation("5001") }, NOW);
      const again = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c1", adjustment: cancellation("5001") }, NOW);
      const otherId = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c2", adjustment: cancellation("5001") }, NOW);

      expect(first).toEqual({ fresh: true, stored: true, stopped: 0, purchase: "none" });
      expect(again).toEqual({ fresh: false });
      expect(otherId).toMatchObject({ fresh: true, stored: false });
      const rows = await db().selectFrom("order_adjustments").selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ shop: SHOP, order_id: "5001", order_name: "#5001", kind: "cancelled", source_id: "cancelled", amount: null, currency: null, reason: "customer", purchase: "none", webhook_id: "wh-c1" });
      expect(Number(rows[0]!.occurred_at)).toBe(NOW - 1_000);
      expect(await db().selectFrom("webhook_receipts").select("webhook_id").where("topic", "=", CANCELLED).orderBy("webhook_id").execute()).toEqual([{ webhook_id: "wh-c1" }, { webhook_id: "wh-c2" }]);
    });

    it("keeps every refund of an order, each once, with its amount and currency", async () => {
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "wh-r1", adjustment: refund("5001", "900", "20.00") }, NOW);
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "wh-r2", adjustment: refund("5001", "901", "4.50") }, NOW);
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "wh-r3", adjustment: refund("5001", "900", "20.00") }, NOW);

      const listed = (await store.listForOrders(SHOP, ["5001", "5002"])).get("5001") ?? [];
      expect(listed.map((a) => [a.kind, a.sourceId, a.amount, a.currency])).toEqual([
        ["refunded", "900", "20.00", "USD"],
        ["refunded", "901", "4.50", "USD"],
      ]);
    });

    it("stops an order's unsent rows on every pixel when it is cancelled, leaving other orders alone", async () => {
      await writeIngests(testDb().database, [purchase("5001", { pixels: ["111", "222"] }), purchase("5002")], NOW - 10_000);

      const outcome = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c", adjustment: cancellation("5001") }, NOW);

      expect(outcome).toEqual({ fresh: true, stored: true, stopped: 2, purchase: "stopped" });
      expect(await rowsOf("5001")).toEqual([
        { destination: "meta:111", status: "skipped", status_reason: CANCELLED_BEFORE_SENDING, payload: null },
        { destination: "meta:222", status: "skipped", status_reason: CANCELLED_BEFORE_SENDING, payload: null },
      ]);
      expect((await rowsOf("5002")).map((row) => row.status)).toEqual(["pending"]);
    });

    it.each(["held", "retrying", "needs_attention"])("stops a %s row too: it has not reached Meta", async (status) => {
      await writeIngests(testDb().database, [purchase("5001")], NOW - 10_000);
      await setStatus("5001", status);

      const outcome = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c", adjustment: cancellation("5001") }, NOW);

      expect(outcome).toMatchObject({ stopped: 1, purchase: "stopped" });
      expect((await rowsOf("5001"))[0]).toMatchObject({ status: "skipped", status_reason: CANCELLED_BEFORE_SENDING });
    });

    it("never touches a sent row, and says the Purchase stands; a pixel still unsent is stopped", async () => {
      await writeIngests(testDb().database, [purchase("5001", { pixels: ["111", "222"] })], NOW - 10_000);
      await db().updateTable("deliveries").set({ status: "sent", sent_at: NOW - 5_000 }).where("destination", "=", "meta:111").execute();

      const outcome = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c", adjustment: cancellation("5001") }, NOW);

      expect(outcome).toMatchObject({ stopped: 1, purchase: "sent" });
      const rows = await rowsOf("5001");
      expect(rows[0]).toMatchObject({ destination: "meta:111", status: "sent", status_reason: null });
      expect(rows[0]!.payload).not.toBeNull();
      expect(rows[1]).toMatchObject({ destination: "meta:222", status: "skipped" });
    });

    it("leaves a row a worker holds right now to its send, and finished rows as they are", async () => {
      await writeIngests(testDb().database, [purchase("5001"), purchase("5002"), purchase("5003")], NOW - 10_000);
      await setStatus("5001", "pending", { lease_owner: "worker-1", lease_until: NOW + 30_000 });
      await setStatus("5002", "dead");
      await setStatus("5003", "pending", { lease_owner: "worker-gone", lease_until: NOW - 1 });

      const leased = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-1", adjustment: cancellation("5001") }, NOW);
      const dead = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-2", adjustment: cancellation("5002") }, NOW);
      const expired = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-3", adjustment: cancellation("5003") }, NOW);

      expect([leased, dead, expired]).toMatchObject([
        { stopped: 0, purchase: "unsent" },
        { stopped: 0, purchase: "unsent" },
        { stopped: 1, purchase: "stopped" },
      ]);
      expect((await rowsOf("5001"))[0]!.status).toBe("pending");
      expect((await rowsOf("5002"))[0]!.status).toBe("dead");
    });

    it("stops a RecurringPurchase the same way, and a refund never stops anything", async () => {
      await writeIngests(testDb().database, [purchase("5001", { eventName: "RecurringPurchase" }), purchase("5002")], NOW - 10_000);

      const refunded = await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "wh-r", adjustment: refund("5002", "900", "10.00") }, NOW);
      const cancelled = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c", adjustment: cancellation("5001") }, NOW);

      expect(refunded).toMatchObject({ stopped: 0, purchase: "unsent" });
      expect((await rowsOf("5002"))[0]!.status).toBe("pending");
      expect(cancelled).toMatchObject({ stopped: 1, purchase: "stopped" });
    });

    it("does not stop rows of the same order id in another shop", async () => {
      await writeIngests(testDb().database, [purchase("5001", { shop: OTHER })], NOW - 10_000);

      const outcome = await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "wh-c", adjustment: cancellation("5001") }, NOW);

      expect(outcome).toMatchObject({ stopped: 0, purchase: "none" });
      expect((await rowsOf("5001"))[0]!.status).toBe("pending");
    });

    it("counts cancelled and refunded orders (each once) that happened in the period", async () => {
      await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "c1", adjustment: cancellation("1", { occurredAt: NOW - 100 }) }, NOW);
      await store.record({ shop: SHOP, topic: CANCELLED, webhookId: "c2", adjustment: cancellation("2", { occurredAt: NOW - 10 * 86_400_000 }) }, NOW);
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "r1", adjustment: refund("1", "91", "5.00") }, NOW);
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "r2", adjustment: refund("3", "92", "5.00") }, NOW);
      await store.record({ shop: SHOP, topic: REFUNDS, webhookId: "r3", adjustment: refund("3", "93", "7.00") }, NOW);
      await store.record({ shop: OTHER, topic: REFUNDS, webhookId: "r4", adjustment: refund("4", "94", "7.00") }, NOW);

      expect(await store.countInPeriod(SHOP, NOW - 7 * 86_400_000, NOW + 1)).toEqual({ cancelled: 1, refunded: 2 });
    });

    it("deletes a shop's rows in chunks, the named orders' rows, and rows older than a cutoff", async () => {
      for (let n = 1; n <= 5; n += 1) await store.record({ shop: SHOP, topic: REFUNDS, webhookId: `r${n}`, adjustment: refund(String(n), `9${n}`, "1.00") }, NOW + n);
      await store.record({ shop: OTHER, topic: REFUNDS, webhookId: "o1", adjustment: refund("1", "81", "1.00") }, NOW - 50_000);
      await store.record({ shop: OTHER, topic: REFUNDS, webhookId: "o2", adjustment: refund("2", "82", "1.00") }, NOW);

      expect(await store.deleteOrders(SHOP, ["1", "2"])).toBe(2);
      expect(await store.deleteShopChunk(SHOP, 2)).toBe(2);
      expect(await store.deleteShopChunk(SHOP, 2)).toBe(1);
      expect(await store.deleteShopChunk(SHOP, 2)).toBe(0);
      expect(await store.deleteOlderThanChunk(NOW - 1, 10)).toBe(1);
      const left = await db().selectFrom("order_adjustments").select(["shop", "order_id"]).execute();
      expect(left).toEqual([{ shop: OTHER, order_id: "2" }]);
    });

    it("records only a receipt for a payload that names no order", async () => {
      expect(await store.recordReceipt(SHOP, REFUNDS, "wh-bad", NOW)).toBe(true);
      expect(await store.recordReceipt(SHOP, REFUNDS, "wh-bad", NOW)).toBe(false);
      expect(await db().selectFrom("order_adjustments").selectAll().execute()).toEqual([]);
    });
  });
}
