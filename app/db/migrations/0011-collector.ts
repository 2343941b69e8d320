import type { Kysely, Migration } from "kysely";

// The collector (issue 16): shopper-journey events the browser reports, sent from the server too.
// - Funnel events are ordinary outbox rows (provenance `collector`, no order): deliveries' unique key on
//   (shop, destination, event_name, event_id) from 0001 already makes a replayed event store nothing, so no
//   second index is added for them — it would only cost every insert another index write.
// - A browser Purchase is not sent from the collector (orders/paid sends it); what it tells is which event id
//   the browser used for a checkout. browser_purchase_ids keeps the first id reported per (shop, checkout
//   token): a visitor can add a checkout's id once, never change it afterwards. created_at lets retention
//   forget it with the rest of the shop's short-lived data.
export function collectorMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("browser_purchase_ids")
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("checkout_token", "text", (col) => col.notNull())
        .addColumn("event_id", "text", (col) => col.notNull())
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("browser_purchase_ids_pk", ["shop", "checkout_token"])
        .execute();
      await db.schema.createIndex("browser_purchase_ids_created_idx").on("browser_purchase_ids").column("created_at").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("browser_purchase_ids").execute();
    },
  };
}
