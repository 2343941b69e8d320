import { beforeEach, describe, expect, it } from "vitest";
import { createDataRequests } from "../../app/db/data-requests.server";
import { decodeDeliveryCursor, readDeliveryPage, readShopDeliveriesOldestFirst } from "../../app/db/delivery-pages.server";
import { countRedrivable, countStatusUpTo, countWaiting, readAnyPurchaseSentAt, readLastSentAt } from "../../app/db/delivery-reads.server";
import { createOutbox, type Outbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createShopStore, deleteShopRecords } from "../../app/db/shops.server";
import { TEST_KEY } from "./contract-support";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

const SHOP = "reads-a.myshopify.com";
const OTHER = "reads-b.myshopify.com";

function delivery(eventId: string, overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    shop: SHOP,
    destination: "meta:111",
    eventName: "Purchase",
    eventId,
    provenance: "order_id",
    orderId: eventId.replace(/\D/g, "") || "1",
    orderName: `#${eventId.replace(/\D/g, "") || "1"}`,
    eventTime: 1_000,
    payload: { event_name: "Purchase" },
    matchKeys: ["em"],
    status: "pending",
    nextAttemptAt: 0,
    ...overrides,
  } as NewDelivery;
}

/** The reads every page, the redrive and /metrics make of deliveries, and the paging they share, on every engine. */
export function runDeliveryReadsContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`delivery reads: ${name}`, () => {
    const testDb = suiteDatabase(open);
    let outbox: Outbox;
    const database = () => testDb().database;
    beforeEach(async () => {
      await truncateAll(database());
      outbox = createOutbox(database());
    });

    async function idOf(eventId: string, shop = SHOP): Promise<number> {
      const row = (await outbox.list({ shop, limit: 100 })).rows.find((candidate) => candidate.eventId === eventId);
      if (!row) throw new Error(`no row ${eventId}`);
      return row.id;
    }

    it("pages newest first on (created_at, id) across shops, by order, by time range, and oldest first for one shop", async () => {
      await outbox.enqueue([delivery("e1"), delivery("e2", { shop: OTHER })], 1_000);
      await outbox.enqueue([delivery("e3")], 2_000);
      await outbox.enqueue([delivery("e4"), delivery("e5", { shop: OTHER })], 3_000);
      const seen: string[] = [];
      let after = null;
      for (let page = 0; page < 5; page += 1) {
        const result = await readDeliveryPage(database(), {}, after, 2);
        seen.push(...result.rows.map((row) => row.eventId));
        after = decodeDeliveryCursor(result.nextCursor);
        if (after === null) break;
      }
      // Same millisecond: the higher id first.
      expect(seen).toEqual(["e5", "e4", "e3", "e2", "e1"]);
      expect((await readDeliveryPage(database(), { shop: SHOP, order: "#3" }, null, 10)).rows.map((row) => row.eventId)).toEqual(["e3"]);
      expect((await readDeliveryPage(database(), { order: "5" }, null, 10)).rows.map((row) => row.shop)).toEqual([OTHER]);
      const range = await readDeliveryPage(database(), { fromMs: 2_000, toMs: 3_000 }, null, 10);
      expect(range).toEqual({ rows: [expect.objectContaining({ eventId: "e3", createdAt: 2_000 })], nextCursor: null });

      const oldest = await readShopDeliveriesOldestFirst(database(), SHOP, null, 2);
      expect(oldest.map((row) => row.event_id)).toEqual(["e1", "e3"]);
      const last = oldest.at(-1);
      const rest = await readShopDeliveriesOldestFirst(database(), SHOP, { createdAt: Number(last?.created_at), id: Number(last?.id) }, 2);
      expect(rest.map((row) => row.event_id)).toEqual(["e4"]);
    });

    it("reads when Meta last accepted an event, and whether any Purchase was accepted", async () => {
      await expect(readLastSentAt(database(), SHOP)).resolves.toBeNull();
      await expect(readAnyPurchaseSentAt(database(), SHOP)).resolves.toBeNull();
      await outbox.enqueue([delivery("e1"), delivery("e2", { eventName: "ViewContent" }), delivery("e3", { shop: OTHER })], 1_000);
      await outbox.markSent([await idOf("e2")], { nowMs: 9_000, fbtraceId: null, eventsReceived: 1 });
      await outbox.markSent([await idOf("e3", OTHER)], { nowMs: 12_000, fbtraceId: null, eventsReceived: 1 });
      await expect(readLastSentAt(database(), SHOP)).resolves.toBe(9_000);
      await expect(readAnyPurchaseSentAt(database(), SHOP)).resolves.toBeNull();
      await outbox.markSent([await idOf("e1")], { nowMs: 5_000, fbtraceId: null, eventsReceived: 1 });
      await expect(readAnyPurchaseSentAt(database(), SHOP)).resolves.toBe(5_000);
      await expect(readLastSentAt(database(), SHOP)).resolves.toBe(9_000);
    });

    it("counts the rows waiting behind a pause: all, inside Meta's window with the oldest, and those at risk", async () => {
      await outbox.enqueue(
        [
          delivery("old", { eventTime: 100 }),
          delivery("w1", { eventTime: 1_000 }),
          delivery("w2", { eventTime: 1_500 }),
          delivery("w3", { eventTime: 5_000, destination: "meta:222" }),
          delivery("elsewhere", { shop: OTHER, eventTime: 1_000 }),
        ],
        1_000,
      );
      const ids = await Promise.all(["old", "w1", "w2", "w3"].map((eventId) => idOf(eventId)));
      // Leased as a claim leaves them: a failure is recorded under the lease that holds the rows (decision 0036).
      await database().db.updateTable("deliveries").set({ lease_owner: "reads-worker/1", lease_until: 60_000 }).execute();
      await outbox.markNeedsAttention([...ids, await idOf("elsewhere", OTHER)], { owner: "reads-worker/1", nowMs: 2_000, reason: "paused" });
      let askedWith: number | null | undefined;
      const all = await countWaiting(database(), { shop: SHOP }, 500, (oldest) => ((askedWith = oldest), 1_200));
      expect(askedWith).toBe(1_000);
      expect(all).toEqual({ waiting: 4, sendable: 3, oldestSendable: 1_000, atRisk: 1 });
      await expect(countWaiting(database(), { shop: SHOP, destination: "meta:222" }, 500, () => 6_000)).resolves.toEqual({
        waiting: 1, sendable: 1, oldestSendable: 5_000, atRisk: 1,
      });
      await expect(countWaiting(database(), { shop: SHOP }, 9_000, () => 0)).resolves.toEqual({ waiting: 4, sendable: 0, oldestSendable: null, atRisk: 0 });
    });

    it("counts what a redrive would requeue, up to the cap, leaving out rows without a payload or a pixel", async () => {
      await outbox.enqueue(
        [
          delivery("d1", { status: "dead" }),
          delivery("d2", { status: "dead" }),
          delivery("d3", { status: "dead" }),
          delivery("no-payload", { status: "dead", payload: null }),
          delivery("no-pixel", { status: "dead", destination: "meta:unconfigured" }),
          delivery("other", { status: "dead", shop: OTHER }),
        ],
        1_000,
      );
      await expect(countRedrivable(database(), SHOP, "dead", 100)).resolves.toBe(3);
      await expect(countRedrivable(database(), SHOP, "dead", 2)).resolves.toBe(2);
      await expect(countRedrivable(database(), SHOP, "needs_attention", 100)).resolves.toBe(0);
    });

    it("counts a status up to a cap (/metrics)", async () => {
      await outbox.enqueue(Array.from({ length: 5 }, (_, index) => delivery(`p${index}`)), 1_000);
      await expect(countStatusUpTo(database(), "pending", 3)).resolves.toBe(3);
      await expect(countStatusUpTo(database(), "pending", 100)).resolves.toBe(5);
      await expect(countStatusUpTo(database(), "dead", 100)).resolves.toBe(0);
    });

    it("deletes a shop's records for shop/redact, and data requests by customer and by age", async () => {
      const shops = createShopStore(database(), [TEST_KEY]);
      await shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: "EAA-a" }, 1_000);
      await shops.saveShopConfig(OTHER, { pixelIds: ["222"], accessToken: "EAA-b" }, 1_000);
      await shops.pauseDestination(SHOP, "meta:111", "paused", 1_000);
      await deleteShopRecords(database(), SHOP);
      await expect(shops.getShop(SHOP)).resolves.toBeNull();
      await expect(shops.listDestinationPauses(SHOP)).resolves.toEqual([]);
      await expect(shops.getShop(OTHER)).resolves.not.toBeNull();

      const requests = createDataRequests(database());
      const input = { requestId: null, ordersRequested: [], matchHashes: {} };
      await requests.create({ ...input, shop: SHOP, customerId: "7", nowMs: 1_000 });
      await requests.create({ ...input, shop: SHOP, customerId: "8", nowMs: 5_000 });
      await requests.create({ ...input, shop: OTHER, customerId: "7", nowMs: 5_000 });
      await expect(requests.deleteForCustomer(SHOP, "7")).resolves.toBe(1);
      await expect(requests.deleteOlderThan(6_000)).resolves.toBe(2);
      await expect(requests.list()).resolves.toEqual([]);
    });
  });
}
