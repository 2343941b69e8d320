import type { Database } from "./connection.server.ts";

// Reads for the Activity log and its CSV export: one shop's deliveries newest first, keyset-paginated on
// (created_at, id) so a page walks the (shop, created_at) index — or (shop, status, created_at) when filtered
// by status — instead of counting past an OFFSET. Filters: status, an order (name or id, exact), a time range.

export type ActivityFilter = {
  shop: string;
  status?: string;
  /** "#1001", "1001" (a name without its #) or an order id. */
  order?: string;
  fromMs?: number;
  toMs?: number;
};

export type ActivityCursor = { createdAt: number; id: number };

export type ActivityRecord = {
  id: number;
  status: string;
  status_reason: string | null;
  event_name: string;
  event_id: string;
  provenance: string;
  order_kind: string | null;
  order_id: string | null;
  order_name: string | null;
  destination: string;
  match_keys: string;
  fbtrace_id: string | null;
  events_received: number | null;
  attempts: number;
  created_at: number;
  sent_at: number | null;
  resends: number;
  resent_at: number | null;
  payload: string | null;
};

export function selectActivity(database: Pick<Database, "db">, filter: ActivityFilter, after: ActivityCursor | null, limit: number) {
  let select = database.db
    .selectFrom("deliveries")
    .select([
      "id",
      "status",
      "status_reason",
      "event_name",
      "event_id",
      "provenance",
      "order_kind",
      "order_id",
      "order_name",
      "destination",
      "match_keys",
      "fbtrace_id",
      "events_received",
      "attempts",
      "created_at",
      "sent_at",
      "resends",
      "resent_at",
      "payload",
    ])
    .where("shop", "=", filter.shop)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit);
  if (filter.status !== undefined) select = select.where("status", "=", filter.status);
  const order = filter.order?.trim();
  if (order) {
    const name = order.startsWith("#") ? order : `#${order}`;
    select = select.where((eb) => eb.or([eb("order_name", "=", order), eb("order_name", "=", name), eb("order_id", "=", order.replace(/^#/, ""))]));
  }
  if (filter.fromMs !== undefined) select = select.where("created_at", ">=", filter.fromMs);
  if (filter.toMs !== undefined) select = select.where("created_at", "<", filter.toMs);
  if (after !== null) {
    const { createdAt, id } = after;
    select = select.where((eb) => eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]));
  }
  return select;
}

export async function readActivity(database: Pick<Database, "db">, filter: ActivityFilter, after: ActivityCursor | null, limit: number): Promise<ActivityRecord[]> {
  const rows = await selectActivity(database, filter, after, limit).execute();
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    events_received: row.events_received === null ? null : Number(row.events_received),
    attempts: Number(row.attempts),
    created_at: Number(row.created_at),
    sent_at: row.sent_at === null ? null : Number(row.sent_at),
    resends: Number(row.resends),
    resent_at: row.resent_at === null ? null : Number(row.resent_at),
  }));
}
