import { sql, type Kysely, type Migration } from "kysely";

// An event id belongs to exactly one order (decision 0015). order_events records which order owns each
// (shop, event_name, event_id), and its second unique key lets an order own one event per event name, so
// the webhook path can claim an id race-free on both engines with ON CONFLICT DO NOTHING and fall back to
// the order's own id when another order got there first.
// deliveries.order_kind says what is notable about the order (no shopper present, paid late) for Activity
// and Health.
// Back-fill: every existing delivery that names an order claims its id, oldest row first. Rows of payloads
// that could not be mapped (event ids `invalid_…`) never were events and claim nothing.
export function orderEventsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("order_events")
        .addColumn("shop", "text", (col) => col.notNull())
        .addColumn("event_name", "text", (col) => col.notNull())
        .addColumn("event_id", "text", (col) => col.notNull())
        .addColumn("order_id", "text", (col) => col.notNull())
        .addColumn("topic", "text")
        .addColumn("webhook_id", "text")
        .addColumn("created_at", "bigint", (col) => col.notNull())
        .addPrimaryKeyConstraint("order_events_pk", ["shop", "event_name", "event_id"])
        .execute();
      await db.schema
        .createIndex("order_events_order_uq")
        .unique()
        .on("order_events")
        .columns(["shop", "event_name", "order_id"])
        .execute();
      await db.schema.alterTable("deliveries").addColumn("order_kind", "text").execute();

      // WHERE is required before ON CONFLICT in SQLite's INSERT … SELECT (a parsing ambiguity); ORDER BY makes
      // the oldest row win where an order already had two ids or an id two orders.
      await sql`
        insert into order_events (shop, event_name, event_id, order_id, topic, webhook_id, created_at)
        select shop, event_name, event_id, order_id, null, null, min(created_at)
        from deliveries
        where order_id is not null and substr(event_id, 1, 8) <> 'invalid_'
        group by shop, event_name, event_id, order_id
        order by min(id)
        on conflict do nothing`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("deliveries").dropColumn("order_kind").execute();
      await db.schema.dropTable("order_events").execute();
    },
  };
}
