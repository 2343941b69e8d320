import type { Kysely, Migration } from "kysely";

// Alert emails (docs/decisions/0021): one row per (shop, cause, day) that was emailed — or, for a day's order
// count, checked and found fine — so a cause is emailed at most once a day however many processes run the
// check. Rows are deleted after a month by the alert check itself.
export function alertLogMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("alert_log")
        .ifNotExists()
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("cause", "text", (col) => col.notNull())
        .addColumn("day", "text", (col) => col.notNull())
        .addColumn("status", "text", (col) => col.notNull())
        .addColumn("at", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("alert_log_pk", ["shop", "cause", "day"])
        .execute();
      await db.schema.createIndex("alert_log_at_idx").ifNotExists().on("alert_log").column("at").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("alert_log").ifExists().execute();
    },
  };
}
