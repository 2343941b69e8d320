import { beforeEach, describe, expect, it } from "vitest";
import { createAlertLog, type AlertLog } from "../../app/db/alerts.server";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import type { TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

const SHOP = "shop-a.myshopify.com";
const OTHER = "shop-b.myshopify.com";
const DAY_START = 1_795_755_600_000;
const DAY_END = DAY_START + 24 * 3_600_000;

function delivery(orderId: string, status: NewDelivery["status"], eventTimeMs: number, overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    shop: SHOP,
    destination: "meta:111",
    eventName: "Purchase",
    eventId: `ev-${orderId}-${overrides.destination ?? "meta:111"}`,
    provenance: "order_id",
    orderId,
    orderName: `#${orderId}`,
    eventTime: Math.floor(eventTimeMs / 1000),
    payload: null,
    matchKeys: [],
    status,
    nextAttemptAt: 0,
    ...overrides,
  };
}

/** The alert log (migration 0007) and the day counts the alert check reads, on every engine. */
export function runAlertLogContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`alert log: ${name}`, () => {
    const testDb = suiteDatabase(open);
    let log: AlertLog;
    beforeEach(async () => {
      const db = testDb().database.db;
      await db.deleteFrom("alert_log").execute();
      await testDb().database.db.deleteFrom("deliveries").execute();
      log = createAlertLog(testDb().database);
    });

    it("lets one caller claim a (shop, cause, day), once", async () => {
      await expect(log.claim(SHOP, "shop_paused", "2026-11-27", 1_000)).resolves.toBe(true);
      await expect(log.claim(SHOP, "shop_paused", "2026-11-27", 2_000)).resolves.toBe(false);
      await expect(log.claim(SHOP, "shop_paused", "2026-11-28", 2_000)).resolves.toBe(true);
      await expect(log.claim(SHOP, "pixel_paused:111", "2026-11-27", 2_000)).resolves.toBe(true);
      await expect(log.claim(OTHER, "shop_paused", "2026-11-27", 2_000)).resolves.toBe(true);
    });

    it("lets exactly one of many concurrent claims win", async () => {
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => log.claim(SHOP, "shop_paused", "2026-11-27", i)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it("gives back a claim whose send failed, but never one that was sent or checked", async () => {
      await log.claim(SHOP, "shop_paused", "2026-11-27", 1_000);
      await log.release(SHOP, "shop_paused", "2026-11-27");
      await expect(log.has(SHOP, "shop_paused", "2026-11-27")).resolves.toBe(false);
      await expect(log.claim(SHOP, "shop_paused", "2026-11-27", 2_000)).resolves.toBe(true);
      await log.finish(SHOP, "shop_paused", "2026-11-27", "sent", 3_000);
      await log.release(SHOP, "shop_paused", "2026-11-27");
      await log.finish(SHOP, "deliveries_low", "2026-11-26", "checked", 3_000);
      await log.release(SHOP, "deliveries_low", "2026-11-26");
      expect(await log.list(SHOP)).toEqual([
        { shop: SHOP, cause: "deliveries_low", day: "2026-11-26", status: "checked", at: 3_000 },
        { shop: SHOP, cause: "shop_paused", day: "2026-11-27", status: "sent", at: 3_000 },
      ]);
      await expect(log.claim(SHOP, "deliveries_low", "2026-11-26", 4_000)).resolves.toBe(false);
    });

    it("deletes old rows and a redacted shop's rows, and keeps millisecond times past 2^31", async () => {
      const late = 1_900_000_000_000;
      await log.finish(SHOP, "shop_paused", "2026-11-01", "sent", 1_000);
      await log.finish(SHOP, "shop_paused", "2030-03-17", "sent", late);
      await log.finish(OTHER, "shop_paused", "2030-03-17", "sent", late);
      await expect(log.deleteBefore(late)).resolves.toBe(1);
      expect((await log.list(SHOP)).map((row) => row.at)).toEqual([late]);
      await log.deleteShop(SHOP);
      expect(await log.list(SHOP)).toEqual([]);
      expect(await log.list(OTHER)).toHaveLength(1);
    });

    it("counts a day's orders: received, delivered, and skipped on purpose (each order once, whatever its pixels)", async () => {
      const outbox = createOutbox(testDb().database);
      await outbox.enqueue([
        delivery("1", "skipped", DAY_START),
        delivery("2", "skipped", DAY_START + 1_000),
        delivery("3", "pending", DAY_START + 2_000),
        delivery("4", "dead", DAY_END - 1_000),
        delivery("5", "skipped", DAY_START + 3_000),
        delivery("5", "skipped", DAY_START + 3_000, { destination: "meta:222" }),
        delivery("6", "pending", DAY_END),
        delivery("7", "pending", DAY_START - 1_000),
        delivery("8", "pending", DAY_START, { shop: OTHER }),
      ], 1_000);
      await markSent(testDb(), ["2"]);
      expect(await log.countDay(SHOP, DAY_START, DAY_END)).toEqual({ received: 5, accountedFor: 3, delivered: 1, skipped: 2 });
      expect(await log.countDay(OTHER, DAY_START, DAY_END)).toEqual({ received: 1, accountedFor: 0, delivered: 0, skipped: 0 });
    });

    it("finds the oldest event waiting for attention, per shop or per pixel", async () => {
      await expect(log.oldestWaiting(SHOP)).resolves.toBeNull();
      await createOutbox(testDb().database).enqueue([
        delivery("1", "pending", DAY_START),
        delivery("2", "pending", DAY_START + 5_000),
        delivery("3", "pending", DAY_START + 9_000, { destination: "meta:222" }),
      ], 1_000);
      await testDb().database.db.updateTable("deliveries").set({ status: "needs_attention" }).where("order_id", "in", ["2", "3"]).execute();
      await expect(log.oldestWaiting(SHOP)).resolves.toBe(Math.floor((DAY_START + 5_000) / 1000));
      await expect(log.oldestWaiting(SHOP, "meta:222")).resolves.toBe(Math.floor((DAY_START + 9_000) / 1000));
      await expect(log.oldestWaiting(OTHER)).resolves.toBeNull();
    });
  });
}

async function markSent(current: TestDatabase, orderIds: string[]): Promise<void> {
  await current.database.db.updateTable("deliveries").set({ status: "sent" }).where("order_id", "in", orderIds).execute();
}
