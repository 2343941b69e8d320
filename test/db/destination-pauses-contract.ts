import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createShopStore, type ShopStore } from "../../app/db/shops.server";
import { TEST_KEY } from "./contract-support";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

const SHOP = "shop-a.myshopify.com";
const OTHER = "shop-b.myshopify.com";
const CAUSE = "Meta error 100/33: Unsupported post request (fbtrace_id Abc)";

/** Pause state of single destinations (migration 0005), through the shop store, on every engine. */
export function runDestinationPausesContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`destination pauses: ${name}`, () => {
    const testDb = suiteDatabase(open);
    let shops: ShopStore;
    beforeEach(async () => {
      await truncateAll(testDb().database);
      await testDb().database.db.deleteFrom("destination_pauses").execute();
      shops = createShopStore(testDb().database, [TEST_KEY]);
      await shops.saveShopConfig(SHOP, { pixelIds: ["111", "222"], accessToken: "EAAB-a" }, 1_000);
      await shops.saveShopConfig(OTHER, { pixelIds: ["333"], accessToken: "EAAB-b" }, 1_000);
    });

    it("pauses one destination with its cause, leaving the shop and its other destinations unpaused", async () => {
      await shops.pauseDestination(SHOP, "meta:222", CAUSE, 5_000);

      expect(await shops.getDestinationPause(SHOP, "meta:222")).toEqual({ destination: "meta:222", reason: CAUSE, pausedAt: 5_000 });
      expect(await shops.getDestinationPause(SHOP, "meta:111")).toBeNull();
      expect(await shops.getDestinationPause(OTHER, "meta:222")).toBeNull();
      expect((await shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
      expect(await shops.listDestinationPauses(SHOP)).toEqual([{ destination: "meta:222", reason: CAUSE, pausedAt: 5_000 }]);
      expect(await shops.listDestinationPauses(OTHER)).toEqual([]);
    });

    it("keeps one pause per destination: pausing again records the latest cause and time", async () => {
      await shops.pauseDestination(SHOP, "meta:222", "first cause", 5_000);
      await shops.pauseDestination(SHOP, "meta:222", CAUSE, 6_000);

      expect(await shops.listDestinationPauses(SHOP)).toEqual([{ destination: "meta:222", reason: CAUSE, pausedAt: 6_000 }]);
    });

    it("lists a shop's pauses in destination order", async () => {
      await shops.pauseDestination(SHOP, "meta:222", "b", 5_000);
      await shops.pauseDestination(SHOP, "meta:111", "a", 6_000);

      expect((await shops.listDestinationPauses(SHOP)).map((p) => p.destination)).toEqual(["meta:111", "meta:222"]);
    });

    it("resumes one shop's pauses, or every shop's, and says how many were lifted", async () => {
      await shops.pauseDestination(SHOP, "meta:111", CAUSE, 5_000);
      await shops.pauseDestination(SHOP, "meta:222", CAUSE, 5_000);
      await shops.pauseDestination(OTHER, "meta:333", CAUSE, 5_000);

      await expect(shops.resumeDestinations(SHOP)).resolves.toBe(2);
      expect(await shops.listDestinationPauses(SHOP)).toEqual([]);
      expect(await shops.listDestinationPauses(OTHER)).toHaveLength(1);
      await expect(shops.resumeDestinations()).resolves.toBe(1);
      expect(await shops.listDestinationPauses(OTHER)).toEqual([]);
      await expect(shops.resumeDestinations()).resolves.toBe(0);
    });

    it("forgets a deleted shop's pauses", async () => {
      await shops.pauseDestination(SHOP, "meta:222", CAUSE, 5_000);
      await shops.pauseDestination(OTHER, "meta:333", CAUSE, 5_000);

      await shops.deleteShop(SHOP);

      expect(await shops.listDestinationPauses(SHOP)).toEqual([]);
      expect(await shops.listDestinationPauses(OTHER)).toHaveLength(1);
    });

    it("stores millisecond timestamps past 2^31 exactly", async () => {
      const late = 1_900_000_000_000;
      await shops.pauseDestination(SHOP, "meta:222", CAUSE, late);
      expect((await shops.getDestinationPause(SHOP, "meta:222"))?.pausedAt).toBe(late);
    });

    it("rejects a second row for the same (shop, destination) at the database", async () => {
      const { db } = testDb().database;
      await db.insertInto("destination_pauses").values({ shop: SHOP, destination: "meta:111", reason: "a", paused_at: 1 }).execute();
      await expect(
        db.insertInto("destination_pauses").values({ shop: SHOP, destination: "meta:111", reason: "b", paused_at: 2 }).execute(),
      ).rejects.toThrow();
      const count = await sql<{ n: number }>`select count(*) as n from destination_pauses`.execute(db);
      expect(Number(count.rows[0]?.n)).toBe(1);
    });
  });
}
