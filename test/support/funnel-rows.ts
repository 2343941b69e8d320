import type { Kysely } from "kysely";
import type { FunnelEventRecord, Schema } from "../../app/db/schema";

// What the collector stored, read straight from the funnel queue (funnel_events, migration 0015 and
// docs/decisions/0034): a row is waiting while done_at is null, and done once it was sent (payload cleared) or
// moved to `deliveries` after a failed first try. Shared by the collector tests that check rows, not answers.

/** The funnel_events rows of these event ids, ordered by event id, then destination. */
export function funnelRowsOf(db: Kysely<Schema>, eventIds: string | readonly string[]): Promise<FunnelEventRecord[]> {
  const ids = typeof eventIds === "string" ? [eventIds] : [...eventIds];
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom("funnel_events").selectAll().where("event_id", "in", ids).orderBy("event_id").orderBy("destination").execute();
}

/** How many funnel_events rows there are, of one shop if named, and only waiting or only done ones if asked. */
export async function countFunnelRows(db: Kysely<Schema>, filter: { shop?: string; state?: "waiting" | "done" } = {}): Promise<number> {
  let query = db.selectFrom("funnel_events").select((eb) => eb.fn.countAll().as("n"));
  if (filter.shop !== undefined) query = query.where("shop", "=", filter.shop);
  if (filter.state === "waiting") query = query.where("done_at", "is", null);
  if (filter.state === "done") query = query.where("done_at", "is not", null);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** A shop's funnel_event_counts rows (sent per UTC day and event name), ordered by day, then event name. */
export async function funnelSentCounts(db: Kysely<Schema>, shop: string): Promise<{ day: string; eventName: string; sent: number }[]> {
  const rows = await db.selectFrom("funnel_event_counts").selectAll().where("shop", "=", shop).orderBy("day").orderBy("event_name").execute();
  return rows.map((row) => ({ day: row.day, eventName: row.event_name, sent: row.sent }));
}

/** How many funnel rows (provenance 'collector') `deliveries` holds for a shop: the ones whose first try failed. */
export async function countCollectorDeliveries(db: Kysely<Schema>, shop: string): Promise<number> {
  const row = await db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("shop", "=", shop)
    .where("provenance", "=", "collector")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
