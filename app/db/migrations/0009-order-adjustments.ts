import type { Kysely, Migration } from "kysely";
import type { Engine } from "../engine";

// Cancellations and refunds of orders (decision 0024). Meta has no event for either, so they are recorded,
// not sent: one row per cancellation (an order is cancelled once) and per refund (a Shopify refund id), with
// the money returned, Shopify's cancel reason, when it happened, and what had become of the order's Purchase
// at that moment. No personal data: order id and name, amounts, codes, times.
// - unique (shop, order_id, kind, source_id): the same refund or cancellation under a new webhook id adds
//   nothing (a re-delivery under the same id is stopped earlier by its receipt);
// - (shop, order_id) is covered by that key: Activity reads a page's orders, redaction deletes them;
// - (shop, occurred_at): Health counts a period; (created_at): retention deletes old rows chunk by chunk.
export function orderAdjustmentsMigration(engine: Engine): Migration {
  const idColumn = engine === "postgres" ? "bigserial" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("order_adjustments")
        .addColumn("id", idColumn, (col) => (engine === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("order_id", "text", (col) => col.notNull())
        .addColumn("order_name", "text")
        .addColumn("kind", "text", (col) => col.notNull())
        .addColumn("source_id", "text", (col) => col.notNull())
        .addColumn("amount", "text")
        .addColumn("currency", "text")
        .addColumn("reason", "text")
        .addColumn("occurred_at", "bigint", (col) => col.notNull())
        .addColumn("purchase", "text", (col) => col.notNull())
        .addColumn("webhook_id", "text")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex("order_adjustments_uq")
        .unique()
        .on("order_adjustments")
        .columns(["shop", "order_id", "kind", "source_id"])
        .execute();
      await db.schema.createIndex("order_adjustments_shop_occurred_idx").on("order_adjustments").columns(["shop", "occurred_at"]).execute();
      await db.schema.createIndex("order_adjustments_created_idx").on("order_adjustments").column("created_at").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("order_adjustments").ifExists().execute();
    },
  };
}
