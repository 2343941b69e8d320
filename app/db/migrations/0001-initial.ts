import type { Kysely, Migration } from "kysely";
import type { Engine } from "../engine";

// One migration file for both engines, written with Kysely's schema builder. The only engine-specific choice is
// the auto-increment id: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT vs PostgreSQL's bigserial.
export function initialMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (col) => col.primaryKey())
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("state", "text", (col) => col.notNull())
        .addColumn("is_online", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("scope", "text")
        .addColumn("expires", "bigint")
        .addColumn("access_token", "text")
        .addColumn("user_id", "bigint")
        .addColumn("first_name", "text")
        .addColumn("last_name", "text")
        .addColumn("email", "text")
        .addColumn("account_owner", "integer")
        .addColumn("locale", "text")
        .addColumn("collaborator", "integer")
        .addColumn("email_verified", "integer")
        .addColumn("refresh_token", "text")
        .addColumn("refresh_token_expires", "bigint")
        .execute();
      await db.schema.createIndex("sessions_shop_idx").on("sessions").column("shop").execute();

      await db.schema
        .createTable("shops")
        .addColumn("shop", "text", (col) => col.primaryKey())
        .addColumn("pixel_ids", "text", (col) => col.notNull().defaultTo("[]"))
        .addColumn("access_token_enc", "text")
        .addColumn("test_event_code", "text")
        .addColumn("settings", "text", (col) => col.notNull().defaultTo("{}"))
        .addColumn("enabled", "integer", (col) => col.notNull().defaultTo(1))
        .addColumn("needs_attention_reason", "text")
        .addColumn("needs_attention_at", "bigint")
        .addColumn("storefront_url", "text")
        .addColumn("installed_at", "bigint")
        .addColumn("uninstalled_at", "bigint")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addColumn("updated_at", "bigint", (col) => col.notNull())
        .execute();

      await db.schema
        .createTable("webhook_receipts")
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("topic", "text", (col) => col.notNull())
        .addColumn("webhook_id", "text", (col) => col.notNull())
        .addColumn("received_at", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("webhook_receipts_pk", ["shop", "topic", "webhook_id"])
        .execute();
      await db.schema
        .createIndex("webhook_receipts_received_at_idx")
        .on("webhook_receipts")
        .column("received_at")
        .execute();

      await db.schema
        .createTable("deliveries")
        .addColumn("id", engine === "postgres" ? "bigserial" : "integer", (col) =>
          engine === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("destination", "text", (col) => col.notNull())
        .addColumn("event_name", "text", (col) => col.notNull())
        .addColumn("event_id", "text", (col) => col.notNull())
        .addColumn("provenance", "text", (col) => col.notNull())
        .addColumn("order_id", "text")
        .addColumn("order_name", "text")
        .addColumn("event_time", "bigint", (col) => col.notNull())
        .addColumn("payload", "text")
        .addColumn("match_keys", "text", (col) => col.notNull().defaultTo("[]"))
        .addColumn("status", "text", (col) => col.notNull())
        .addColumn("status_reason", "text")
        .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "bigint", (col) => col.notNull())
        .addColumn("lease_owner", "text")
        .addColumn("lease_until", "bigint")
        .addColumn("fbtrace_id", "text")
        .addColumn("events_received", "integer")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addColumn("updated_at", "bigint", (col) => col.notNull())
        .addColumn("sent_at", "bigint")
        .addUniqueConstraint("deliveries_event_uq", ["shop", "destination", "event_name", "event_id"])
        .execute();
      await db.schema
        .createIndex("deliveries_due_idx")
        .on("deliveries")
        .columns(["status", "next_attempt_at"])
        .execute();
      await db.schema
        .createIndex("deliveries_shop_created_idx")
        .on("deliveries")
        .columns(["shop", "created_at"])
        .execute();
    },
  };
}
