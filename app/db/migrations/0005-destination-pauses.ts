import type { Kysely, Migration } from "kysely";

// Pauses as narrow as their cause (decision 0016): a pixel Meta does not know, or the token cannot reach,
// pauses that destination only. The shop-wide pause (shops.needs_attention_reason) stays the token's.
// One row per paused destination; the worker reads it by primary key once per (shop, pixel) group.
export function destinationPausesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("destination_pauses")
        .ifNotExists()
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("destination", "text", (col) => col.notNull())
        .addColumn("reason", "text", (col) => col.notNull())
        .addColumn("paused_at", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("destination_pauses_pk", ["shop", "destination"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("destination_pauses").ifExists().execute();
    },
  };
}
