import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../app/db/connection.server";
import { createMigrationProvider } from "../../app/db/migrations/provider";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "./support";

// Migration 0006 (decision 0020) on a database that predates it: existing rows keep their data and read
// resends = 0, the new tables accept jobs and data requests, and down() removes it all again.

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.cleanup();
  testDb = undefined;
});

async function migrateTo(database: Database, name: string): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: createMigrationProvider(database.engine) });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

describe.each([
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const)("migration 0006 (%s)", (_engine, open) => {
  it("adds the maintenance and privacy tables and columns without touching stored rows, and rolls back", async () => {
    testDb = await open();
    const { database } = testDb;
    await migrateTo(database, "0005-destination-pauses");
    await sql`insert into deliveries (shop, destination, event_name, event_id, provenance, order_id, event_time, payload, match_keys, status,
              attempts, next_attempt_at, created_at, updated_at)
              values ('s.myshopify.com', 'meta:1', 'Purchase', 'e1', 'order_id', '1', 1, '{}', '[]', 'sent', 1, 0, 5, 5)`.execute(database.db);
    await sql`insert into shops (shop, pixel_ids, settings, enabled, created_at, updated_at) values ('s.myshopify.com', '[]', '{}', 1, 1, 1)`.execute(database.db);

    await migrateTo(database, "0006-maintenance-and-privacy");
    const row = await database.db.selectFrom("deliveries").select(["event_id", "payload", "resends", "resent_at"]).executeTakeFirstOrThrow();
    expect(row).toEqual({ event_id: "e1", payload: "{}", resends: 0, resent_at: null });
    const shop = await database.db.selectFrom("shops").select(["token_error_at", "token_recheck_at", "token_rechecks"]).executeTakeFirstOrThrow();
    expect(shop).toEqual({ token_error_at: null, token_recheck_at: null, token_rechecks: 0 });
    const job = await database.db
      .insertInto("maintenance_jobs")
      .values({ kind: "shop_redact", shop: "s.myshopify.com", args: "{}", status: "queued", created_at: 1, updated_at: 1 })
      .returning(["id", "done_rows", "attempts"])
      .executeTakeFirstOrThrow();
    expect({ doneRows: Number(job.done_rows), attempts: job.attempts }).toEqual({ doneRows: 0, attempts: 0 });
    await database.db.insertInto("data_requests").values({ shop: "s.myshopify.com", status: "gathering", created_at: 1, orders_requested: "[]", match_hashes: "{}" }).execute();

    await migrateTo(database, "0005-destination-pauses");
    const tables = (await database.db.introspection.getTables()).map((table) => table.name);
    expect(tables).not.toContain("maintenance_jobs");
    expect(tables).not.toContain("data_requests");
    const columns = (await database.db.introspection.getTables()).find((table) => table.name === "deliveries")?.columns.map((c) => c.name);
    expect(columns).not.toContain("resends");
    expect(await database.db.selectFrom("deliveries").select("event_id").execute()).toEqual([{ event_id: "e1" }]);
  });
});
