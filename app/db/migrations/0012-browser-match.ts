import type { Kysely, Migration } from "kysely";

// The browser ledger's record per order (issue 16, decision 0029). order_events already holds one row per
// order and event name (decision 0015), so what Health's dedup proof needs goes there rather than into a table
// of its own:
// - checkout_token: set only for orders a browser was at (a web order with a checkout token and the shopper
//   present). It is how the worker looks the browser's purchase id up again before the first send, and what
//   Health joins browser_purchase_ids on (migration 0011) to see a report that came after the send.
// - browser_event_id: the id the browser's Purchase used, as Tandem knew it when it fixed the order's id. Null:
//   the browser had not reported (yet). Equal to event_id: one pair for Meta.
// Both columns are added nullable: claims made before this migration are simply "not known".
export function browserMatchMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("order_events").addColumn("checkout_token", "text").execute();
      await db.schema.alterTable("order_events").addColumn("browser_event_id", "text").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("order_events").dropColumn("browser_event_id").execute();
      await db.schema.alterTable("order_events").dropColumn("checkout_token").execute();
    },
  };
}
