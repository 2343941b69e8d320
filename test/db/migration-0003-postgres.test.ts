import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { createMigrationProvider } from "../../app/db/migrations/provider";
import { openTestPostgres, type TestDatabase } from "./support";

// Migration 0003 builds deliveries_shop_due_idx. On a large PostgreSQL table an operator builds it beforehand
// with CREATE INDEX CONCURRENTLY (README, "Deploying in scale mode"); the migration must then pass over it.

describe("migration 0003 on PostgreSQL", () => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it("accepts the index built beforehand, concurrently, as the README says", async () => {
    test = await openTestPostgres();
    const { database, url } = test;
    // Back to "0003 not yet applied", as on a database that predates it: later migrations are undone too, since
    // Kysely refuses a history with a gap (their down steps run, newest first; 0003's drops the index).
    const back = await new Migrator({ db: database.db, provider: createMigrationProvider("postgres") }).migrateTo(
      "0002-deliveries-shop-status-index",
    );
    expect(back.error).toBeUndefined();
    const indexBefore = await sql`select 1 from pg_indexes where indexname = 'deliveries_shop_due_idx'`.execute(database.db);
    expect(indexBefore.rows).toHaveLength(0);
    // The README's statement.
    await sql
      .raw(
        "create index concurrently if not exists deliveries_shop_due_idx on deliveries (shop, next_attempt_at, id) where status in ('pending', 'retrying');",
      )
      .execute(database.db);

    const reopened = await openDatabase(url, { poolMax: 2 });
    try {
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(reopened.db);
      expect(applied.rows.map((row) => row.name)).toContain("0003-deliveries-shop-due-index");
      const indexes = await sql<{ indexdef: string }>`
        select indexdef from pg_indexes where indexname = 'deliveries_shop_due_idx'`.execute(reopened.db);
      expect(indexes.rows).toHaveLength(1);
      expect(indexes.rows[0]?.indexdef).toMatch(/WHERE .*status.*pending.*retrying/i);
    } finally {
      await reopened.close();
    }
  });
});
