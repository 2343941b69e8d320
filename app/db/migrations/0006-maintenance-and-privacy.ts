import type { Kysely, Migration } from "kysely";
import type { Engine } from "../engine";

// Bounded maintenance and privacy at rest (decision 0020).
// - maintenance_jobs: bulk deletes and updates (redaction, redrive, data requests) are queued here by the
//   webhook or admin request and carried out in small chunks by the process that runs the worker.
// - data_requests: what Tandem holds for a customer, for the merchant to answer customers/data_request. No raw
//   email or phone: the request's contact details are hashed to match, as the events store them.
// - deliveries.resends / resent_at: claims of a row whose previous claim recorded no outcome (worker killed,
//   lease ran out mid-request): the earlier request may have reached Meta, which deduplicates by event_id.
// - shops.token_*: a token error is confirmed by a second call before the shop is paused, and a paused shop's
//   token is re-checked with backoff.
// - deliveries (shop, order_id): customers/redact and data requests find a customer's orders without reading
//   the shop's other rows. order_events (created_at): retention deletes old claims chunk by chunk.
export function maintenanceAndPrivacyMigration(engine: Engine): Migration {
  const idColumn = engine === "postgres" ? "bigserial" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("maintenance_jobs")
        .addColumn("id", idColumn, (col) => (engine === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn("kind", "text", (col) => col.notNull())
        .addColumn("shop", "text")
        .addColumn("args", "text", (col) => col.notNull().defaultTo("{}"))
        .addColumn("status", "text", (col) => col.notNull())
        .addColumn("done_rows", "bigint", (col) => col.notNull().defaultTo(0))
        .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        .addColumn("lease_owner", "text")
        .addColumn("lease_until", "bigint")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addColumn("updated_at", "bigint", (col) => col.notNull())
        .addColumn("finished_at", "bigint")
        .execute();
      await db.schema.createIndex("maintenance_jobs_status_idx").on("maintenance_jobs").columns(["status", "id"]).execute();

      await db.schema
        .createTable("data_requests")
        .addColumn("id", idColumn, (col) => (engine === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("request_id", "text")
        .addColumn("customer_id", "text")
        .addColumn("orders_requested", "text", (col) => col.notNull().defaultTo("[]"))
        .addColumn("match_hashes", "text", (col) => col.notNull().defaultTo("{}"))
        .addColumn("status", "text", (col) => col.notNull())
        .addColumn("report", "text")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addColumn("completed_at", "bigint")
        .execute();
      await db.schema.createIndex("data_requests_shop_idx").on("data_requests").columns(["shop", "id"]).execute();

      await db.schema.alterTable("deliveries").addColumn("resends", "integer", (col) => col.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("deliveries").addColumn("resent_at", "bigint").execute();
      await db.schema.createIndex("deliveries_shop_order_idx").ifNotExists().on("deliveries").columns(["shop", "order_id"]).execute();
      await db.schema.createIndex("order_events_created_idx").ifNotExists().on("order_events").column("created_at").execute();

      await db.schema.alterTable("shops").addColumn("token_error_at", "bigint").execute();
      await db.schema.alterTable("shops").addColumn("token_recheck_at", "bigint").execute();
      await db.schema.alterTable("shops").addColumn("token_rechecks", "integer", (col) => col.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const column of ["token_rechecks", "token_recheck_at", "token_error_at"]) {
        await db.schema.alterTable("shops").dropColumn(column).execute();
      }
      await db.schema.dropIndex("order_events_created_idx").ifExists().execute();
      await db.schema.dropIndex("deliveries_shop_order_idx").ifExists().execute();
      await db.schema.alterTable("deliveries").dropColumn("resent_at").execute();
      await db.schema.alterTable("deliveries").dropColumn("resends").execute();
      await db.schema.dropTable("data_requests").ifExists().execute();
      await db.schema.dropTable("maintenance_jobs").ifExists().execute();
    },
  };
}
