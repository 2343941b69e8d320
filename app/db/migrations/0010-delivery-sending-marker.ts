import type { Kysely, Migration } from "kysely";

// When the request carrying a row to Meta started (decision 0025). Set just before the request, cleared by
// the outcome recorded from Meta's answer; a lease that runs out leaves it set. A worker that finds it set
// when it sends the row again is repeating a request whose answer was lost (Meta may have accepted it): it
// counts that in `resends` / `resent_at` (migration 0006). Meta deduplicates by event_id.
export function deliverySendingMarkerMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("deliveries").addColumn("sending_started_at", "bigint").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("deliveries").dropColumn("sending_started_at").execute();
    },
  };
}
