import { afterEach, describe, expect, it } from "vitest";
import { createDataRequests } from "../../app/db/data-requests.server";
import { createMaintenanceJobs, JOB_KIND } from "../../app/db/maintenance-jobs.server";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "../db/support";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

// The maintenance loop's jobs on both engines: each one done in chunks, idempotent, and a failing job kept
// for another try with its error recorded.

const SHOP = "redact-me.myshopify.com";
const KEEP = "keep-me.myshopify.com";

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.cleanup();
  testDb = undefined;
});

async function seed(db: TestDatabase["database"]["db"], shop: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 400) await seedPart(db, shop, from, Math.min(count, from + 400));
  const now = Date.now();
  await db.insertInto("shops").values({ shop, pixel_ids: "[\"1\"]", settings: "{}", enabled: 1, created_at: now, updated_at: now }).execute();
}

async function seedPart(db: TestDatabase["database"]["db"], shop: string, from: number, to: number): Promise<void> {
  const now = Date.now();
  const count = to - from;
  await insertDeliveryRows(
    db,
    Array.from({ length: count }, (_, k) => from + k).map((i) =>
      deliveryRow({
        shop,
        destination: "meta:1",
        event_id: `e${i}`,
        order_id: `${i}`,
        payload: "{}",
        status: i % 3 === 0 ? "dead" : "sent",
        attempts: 1,
        created_at: now,
        updated_at: now,
      }),
    ),
    400,
  );
  await db
    .insertInto("order_events")
    .values(Array.from({ length: count }, (_, k) => from + k).map((i) => ({ shop, event_name: "Purchase", event_id: `e${i}`, order_id: `${i}`, created_at: now })))
    .execute();
  await db
    .insertInto("webhook_receipts")
    .values(Array.from({ length: count }, (_, k) => from + k).map((i) => ({ shop, topic: "orders/paid", webhook_id: `w${i}`, received_at: now })))
    .execute();
}

const ENGINES = [
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const;

describe.each(ENGINES)("maintenance jobs (%s)", (_engine, open) => {
  it("shop_redact deletes every row of the shop in chunks and leaves the others; a repeat is harmless", async () => {
    testDb = await open();
    const { database } = testDb;
    await seed(database.db, SHOP, 1_200);
    await seed(database.db, KEEP, 30);
    await createDataRequests(database).create({ shop: SHOP, requestId: "1", customerId: "2", ordersRequested: [], matchHashes: {}, nowMs: 1 });
    const jobs = createMaintenanceJobs(database);
    await jobs.enqueue(JOB_KIND.shopRedact, SHOP, {}, Date.now());
    await jobs.enqueue(JOB_KIND.shopRedact, SHOP, {}, Date.now());
    const warnings: unknown[] = [];
    let gaps = 0;
    const maintenance = createMaintenance({
      database,
      owner: "t",
      gapMs: 0,
      logger: { info() {}, warn: (fields) => void warnings.push(fields) },
      yieldWhile: () => {
        gaps += 1;
        return false;
      },
    });
    // The first redaction also drops the second job queued for the shop (a re-delivered webhook): nothing to do twice.
    expect(await maintenance.runJobs()).toBe(1);
    expect(warnings).toEqual([]);
    // More than one chunk on SQLite (500 rows each).
    if (database.engine === "sqlite") expect(gaps).toBeGreaterThanOrEqual(2);
    for (const table of ["deliveries", "order_events", "webhook_receipts", "shops", "data_requests", "maintenance_jobs"] as const) {
      const left = await database.db.selectFrom(table).select("shop").where("shop", "=", SHOP).execute();
      expect({ table, left: left.length }).toEqual({ table, left: 0 });
    }
    const kept = await database.db.selectFrom("deliveries").select("id").where("shop", "=", KEEP).execute();
    expect(kept).toHaveLength(30);
  });

  it("redrive requeues dead rows with a payload across spans of ids; customer_redact deletes only the named orders", async () => {
    testDb = await open();
    const { database } = testDb;
    await seed(database.db, SHOP, 5_000);
    const jobs = createMaintenanceJobs(database);
    await jobs.enqueue(JOB_KIND.redrive, SHOP, { status: "dead" }, Date.now());
    await jobs.enqueue(JOB_KIND.customerRedact, SHOP, { orderIds: ["1", "2", "4999"], customerId: "7" }, Date.now());
    const maintenance = createMaintenance({ database, owner: "t", gapMs: 0, logger: { info() {}, warn() {} } });
    expect(await maintenance.runJobs()).toBe(2);
    const dead = await database.db.selectFrom("deliveries").select("id").where("status", "=", "dead").execute();
    expect(dead).toEqual([]);
    const pending = await database.db.selectFrom("deliveries").select("id").where("status", "=", "pending").execute();
    expect(pending).toHaveLength(1_667);
    const named = await database.db.selectFrom("deliveries").select("order_id").where("order_id", "in", ["1", "2", "4999"]).execute();
    expect(named).toEqual([]);
    expect(await database.db.selectFrom("deliveries").select("id").execute()).toHaveLength(4_997);
    const finished = await database.db.selectFrom("maintenance_jobs").select(["status", "done_rows"]).orderBy("id").execute();
    expect(finished.map((job) => [job.status, Number(job.done_rows)])).toEqual([
      ["done", 1_667],
      ["done", 3],
    ]);
  });

  it("a job that fails stays queued with its error and is not retried before its time", async () => {
    testDb = await open();
    const { database } = testDb;
    const jobs = createMaintenanceJobs(database);
    const id = await jobs.enqueue(JOB_KIND.dataRequest, SHOP, { dataRequestId: 12345 }, Date.now());
    // A data request whose record is missing finishes with nothing to report; make the table unreadable instead.
    await database.db.schema.alterTable("data_requests").renameTo("data_requests_gone").execute();
    const warnings: unknown[] = [];
    const maintenance = createMaintenance({ database, owner: "t", gapMs: 0, logger: { info() {}, warn: (fields) => void warnings.push(fields) } });
    expect(await maintenance.runJobs()).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(await maintenance.runJobs()).toBe(0);
    const job = await jobs.get(id);
    expect(job).toMatchObject({ status: "queued", attempts: 1 });
    expect(job?.lastError).toMatch(/data_requests/);
  });
});
