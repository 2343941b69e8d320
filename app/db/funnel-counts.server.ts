import type { Database } from "./connection.server";

// What a merchant is shown of sent funnel events: counts, not rows (decision 0034). A sent funnel event leaves
// no row behind for Activity to list; the funnel outbox's markSent adds it to funnel_event_counts, one row per
// shop, UTC day and event name (migration 0015).

/** Funnel events of one name sent on one UTC day ('YYYY-MM-DD'). */
export type FunnelSentCount = { eventName: string; day: string; sent: number };

// A shop has one row per event name and day: the few event names the collector accepts times the days asked
// for. The limit only guards that bound; a reader asking for a week never reaches it.
const MAX_ROWS = 1_000;

/**
 * A shop's sent funnel events per event name and UTC day, from `sinceDay` ('YYYY-MM-DD', inclusive) on, oldest
 * day first. One range read of the table's primary key (shop, day, event_name).
 */
export async function funnelSentCounts(database: Database, shop: string, sinceDay: string): Promise<FunnelSentCount[]> {
  const rows = await database.db
    .selectFrom("funnel_event_counts")
    .select(["event_name", "day", "sent"])
    .where("shop", "=", shop)
    .where("day", ">=", sinceDay)
    .orderBy("day")
    .orderBy("event_name")
    .limit(MAX_ROWS)
    .execute();
  // bigint: PostgreSQL answers a string.
  return rows.map((row) => ({ eventName: row.event_name, day: row.day, sent: Number(row.sent) }));
}
