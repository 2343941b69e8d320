import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../app/logger.server";
import { createOrderAdjustments } from "../../app/db/order-adjustments.server";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { DAY_MS, purgeExpired } from "../../app/maintenance/purge.server";
import { handleCustomersRedact, handleShopRedact } from "../../app/webhooks/privacy.server";
import type { OrderAdjustmentInput } from "../../app/webhooks/order-adjustments";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "../db/support";

// Recorded cancellations and refunds (decision 0024) go with the shop on shop/redact, with the customer's
// orders on customers/redact (both through the maintenance jobs, in chunks), and by retention with the
// delivery metadata — on both engines.

const SHOP = "gone-shop.myshopify.com";
const NEIGHBOUR = "neighbour.myshopify.com";
const T0 = 1_800_000_000_000;
const logger = createLogger("silent");

function refund(orderId: string, refundId: string): OrderAdjustmentInput {
  return { kind: "refunded", orderId, orderName: null, sourceId: refundId, amount: "5.00", currency: "USD", reason: null, occurredAt: T0 };
}

let current: TestDatabase | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe.each([
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const)("deleting recorded cancellations and refunds (%s)", (_engine, open) => {
  async function seed(): Promise<TestDatabase> {
    current = await open();
    const store = createOrderAdjustments(current.database);
    for (const shop of [SHOP, NEIGHBOUR]) {
      for (const order of ["101", "102", "103"]) {
        await store.record({ shop, topic: "refunds/create", webhookId: `${shop}-${order}`, adjustment: refund(order, `9${order}`) }, T0);
      }
      await store.record({ shop, topic: "orders/cancelled", webhookId: `${shop}-c`, adjustment: { ...refund("101", "cancelled"), kind: "cancelled", amount: null, currency: null } }, T0);
    }
    return current;
  }
  const left = (test: TestDatabase) =>
    test.database.db.selectFrom("order_adjustments").select(["shop", "order_id", "kind"]).orderBy("shop").orderBy("order_id").orderBy("kind").execute();
  const maintenance = (test: TestDatabase) => createMaintenance({ database: test.database, logger, owner: "test", gapMs: 0 });

  it("shop/redact deletes every row of the shop and none of its neighbour's", async () => {
    const test = await seed();
    await handleShopRedact({ database: test.database, logger } as never, SHOP, T0);
    await maintenance(test).runJobs();

    expect((await left(test)).filter((row) => row.shop !== NEIGHBOUR)).toEqual([]);
    expect(await left(test)).toHaveLength(4);
  });

  it("customers/redact deletes the named orders' rows of that shop only", async () => {
    const test = await seed();
    await handleCustomersRedact({ database: test.database, logger } as never, SHOP, { customer: { id: 7 }, orders_to_redact: [101, "gid://shopify/Order/102"] }, T0);
    await maintenance(test).runJobs();

    const rows = await left(test);
    expect(rows.filter((row) => row.shop === SHOP)).toEqual([{ shop: SHOP, order_id: "103", kind: "refunded" }]);
    expect(rows.filter((row) => row.shop === NEIGHBOUR)).toHaveLength(4);
  });

  it("retention deletes rows recorded before the metadata period, not after", async () => {
    const test = await seed();
    const policy = { payloadDays: 8, metadataDays: 30 };
    await purgeExpired({ database: test.database }, policy, T0 + 29 * DAY_MS);
    expect(await left(test)).toHaveLength(8);
    await purgeExpired({ database: test.database }, policy, T0 + 31 * DAY_MS);
    expect(await left(test)).toEqual([]);
  });
});
