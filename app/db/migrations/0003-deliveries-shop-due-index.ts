import { sql, type Kysely, type Migration } from "kysely";

// The claim takes each shop's oldest due rows (outbox-claim.server.ts). This index holds only rows that can
// be due, per shop in due order, so that read stops after the rows it takes, however large the backlog
// behind them (after a Meta outage, say). Partial: sent, dead, held and skipped rows, nearly all of the
// table, are not in it, and a row leaves it when it is sent.
// IF NOT EXISTS: on a large PostgreSQL table the build blocks inserts while it scans, so an operator can build
// it beforehand with CREATE INDEX CONCURRENTLY (README, "Deploying in scale mode") and this becomes a no-op.
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
