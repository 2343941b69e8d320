import { describe, expect, it } from "vitest";
import { writeCollected } from "../../app/db/collector-writes.server";
import { createMaintenanceJobs, JOB_KIND } from "../../app/db/maintenance-jobs.server";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { DAY_MS, purgeExpired } from "../../app/maintenance/purge.server";
import type { Database } from "../../app/db/connection.server";
import { databasePerTest, TEST_ENGINES } from "../db/support";

// The browser purchase ids the collector records (migration 0011) go with the shop's other data: all of them on
// shop/redact, and with the rest of the shop's records once RETENTION_METADATA_DAYS have passed.

const SHOP = "ledger-redact.myshopify.com";
const KEEP = "ledger-keep.myshopify.com";

const openDatabase = databasePerTest();

describe.each(TEST_ENGINES)("browser purchase ids (%s)", (_engine, open) => {
  const ledger = async (database: Database) =>
    (await database.db.selectFrom("browser_purchase_ids").select(["shop", "checkout_token"]).orderBy("shop").orderBy("checkout_token").execute()).map(
      (row) => `${row.shop}/${row.checkout_token}`,
    );

  it("shop_redact deletes the shop's and keeps other shops'", async () => {
    const database = await openDatabase(open);
    const now = Date.now();
    await writeCollected(database, [SHOP, SHOP, KEEP].map((shop, i) => ({ kind: "purchase_id", shop, checkoutToken: `ck${i}`, eventId: `e${i}` })), now);
    await createMaintenanceJobs(database).enqueue(JOB_KIND.shopRedact, SHOP, {}, now);
    const maintenance = createMaintenance({ database, owner: "t", gapMs: 0, logger: { info() {}, warn() {} } });

    expect(await maintenance.runJobs()).toBe(1);
    expect(await ledger(database)).toEqual([`${KEEP}/ck2`]);
  });

  it("retention deletes ids older than the metadata period", async () => {
    const database = await openDatabase(open);
    const now = Date.now();
    await writeCollected(database, [{ kind: "purchase_id", shop: SHOP, checkoutToken: "old", eventId: "e1" }], now - 91 * DAY_MS);
    await writeCollected(database, [{ kind: "purchase_id", shop: SHOP, checkoutToken: "new", eventId: "e2" }], now - 89 * DAY_MS);

    await purgeExpired({ database }, { payloadDays: 8, metadataDays: 90 }, now);
    expect(await ledger(database)).toEqual([`${SHOP}/new`]);
  });
});
