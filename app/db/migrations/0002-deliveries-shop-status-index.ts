import type { Kysely, Migration } from "kysely";

// The activity page filters one shop's deliveries by status, newest first. Without this index a filter on a
// rare status (dead, needs_attention) walks the shop's whole (shop, created_at) range to find a page.
export function shopStatusIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("deliveries_shop_status_created_idx")
        .on("deliveries")
        .columns(["shop", "status", "created_at"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("deliveries_shop_status_created_idx").execute();
    },
  };
}
