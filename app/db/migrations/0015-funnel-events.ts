import { sql, type Kysely, type Migration } from "kysely";
import type { Engine } from "../engine";

// Funnel events get a table of their own (decision 0034). As outbox rows they entered every index `deliveries`
// keeps for orders and Activity — eight B-trees per insert, several more per status change, and again at the
// purge — which capped the collector and funnel delivery on a two-core machine. Here a row enters two:
// - the unique key (shop, destination, event_name, event_id): a replayed event stores nothing, for as long as
//   the row is kept (RETENTION_FUNNEL_HOURS after it left, like the outbox's sent funnel rows before);
// - (shop, id) over the rows still to send: the claim, the backlog count and the backlog trim read it in
//   arrival order. A row leaves it once (`done_at` set) when it is sent or handed to `deliveries`.
// There is no status column: a row here is waiting or done. Whatever is not sent at the first try (a retry, a
// pause, a dead letter) moves to `deliveries` with that status and takes the outbox's ordinary path from there.
// The payload is cleared when a row is done; the purge then walks the table in id order, which is arrival order.
// funnel_event_counts keeps what a merchant is shown instead of a list of sent funnel events: how many of each
// event name were sent per shop and UTC day, one row per (shop, day, event name), added to at each send.
export function funnelEventsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("funnel_events")
        .addColumn("id", engine === "postgres" ? "bigserial" : "integer", (col) =>
          engine === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("destination", "text", (col) => col.notNull())
        .addColumn("event_name", "text", (col) => col.notNull())
        .addColumn("event_id", "text", (col) => col.notNull())
        .addColumn("event_time", "bigint", (col) => col.notNull())
        .addColumn("payload", "text")
        .addColumn("match_keys", "text", (col) => col.notNull())
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addColumn("lease_owner", "text")
        .addColumn("lease_until", "bigint")
        .addColumn("sending_started_at", "bigint")
        .addColumn("resends", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("resent_at", "bigint")
        .addColumn("done_at", "bigint")
        .addUniqueConstraint("funnel_events_event_uq", ["shop", "destination", "event_name", "event_id"])
        .execute();
      await sql`create index if not exists funnel_events_waiting_idx on funnel_events (shop, id) where done_at is null`.execute(db);
      await db.schema
        .createTable("funnel_event_counts")
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("day", "text", (col) => col.notNull())
        .addColumn("event_name", "text", (col) => col.notNull())
        .addColumn("sent", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("funnel_event_counts_pk", ["shop", "day", "event_name"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("funnel_event_counts").execute();
      await db.schema.dropTable("funnel_events").execute();
    },
  };
}
