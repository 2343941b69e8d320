import { sql, type Kysely, type Migration } from "kysely";
import type { Schema } from "../schema";

// The claim takes each shop's oldest due rows (outbox-claim.server.ts). This index holds only rows that can
// be due, per shop in due order, so that read stops after the rows it takes, however large the backlog
// behind them (after a Meta outage, say). Partial: sent, dead, held and skipped rows, nearly all of the
// table, are not in it, and a row leaves it when it is sent.
// IF NOT EXISTS: on a large PostgreSQL table the build blocks inserts while it scans, so an operator can build
// it beforehand with CREATE INDEX CONCURRENTLY (`tandem db:build-due-index`, README "Deploying in scale mode")
// and this becomes a no-op.
export function shopDueIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("deliveries_shop_due_idx")
        .ifNotExists()
        .on("deliveries")
        .columns(["shop", "next_attempt_at", "id"])
        .where(sql<boolean>`status in ('pending', 'retrying')`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("deliveries_shop_due_idx").execute();
    },
  };
}

/**
 * The same index built without blocking inserts (PostgreSQL only): CREATE INDEX CONCURRENTLY takes no lock that
 * stops writes, cannot run inside a transaction, and is skipped when the index is already there. Run before an
 * upgrade that brings migration 0003 to a large table; the migration then has nothing left to build.
 */
export async function buildShopDueIndexConcurrently(db: Kysely<Schema>): Promise<{ valid: boolean }> {
  await sql`create index concurrently if not exists deliveries_shop_due_idx on deliveries (shop, next_attempt_at, id) where status in ('pending', 'retrying')`.execute(db);
  // A concurrent build that failed half-way leaves the index behind marked invalid, and IF NOT EXISTS then
  // skips it: the caller must say so (drop it, build again) rather than report success.
  const { rows } = await sql<{ valid: boolean }>`
    select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'deliveries_shop_due_idx'`.execute(db);
  return { valid: rows[0]?.valid === true };
}
