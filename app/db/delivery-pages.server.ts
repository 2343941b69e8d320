import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "./connection.server";
import type { Schema } from "./schema";
import { toDeliveryRow, type DeliveryRow } from "./outbox-types";
import { FUNNEL_ROW, ORDER_ROW } from "./funnel-predicates";
import type { FunnelEventName } from "../tracking/funnel-events";

// The one way to page through deliveries, for Activity (and its CSV export), the CLI's `deliveries:list` and the
// tests: newest first, keyset-paginated on (created_at, id). With a shop the page walks the (shop, created_at)
// index — or (shop, status, created_at) when filtered by status — so page 2,000 costs what page 1 costs, where
// an OFFSET would count past every earlier row. Without a shop (the CLI across every shop) there is no such
// index: the engine sorts, which an operator's occasional command can afford and the webhook path's inserts
// should not pay another index for. Filtered to order rows (Activity's default, decision 0031) it walks their own
// partial index, (shop, created_at) where provenance <> 'collector' (migration 0014), so a day of funnel rows is
// never read to find a page of Purchases.

/**
 * Which events: `orders` — an order's events (Purchase, RecurringPurchase, and the skipped ones); `funnel` —
 * the collector's shopper events; or one funnel event by name. Unset: every row.
 */
export type DeliveryEvents = "orders" | "funnel" | FunnelEventName;

export type DeliveryFilter = {
  shop?: string;
  status?: string;
  /** "#1001", "1001" (a name without its #) or an order id. */
  order?: string;
  fromMs?: number;
  toMs?: number;
  events?: DeliveryEvents;
};

/** Where a page ends: the (created_at, id) of its last row. */
export type DeliveryCursor = { createdAt: number; id: number };

export type DeliveryPage = { rows: DeliveryRow[]; nextCursor: string | null };

/** Opaque to callers; `<created_at>_<id>` of the last row shown, so it fits a URL and a command line. */
export function encodeDeliveryCursor(row: DeliveryCursor): string {
  return `${row.createdAt}_${row.id}`;
}

/** Null for anything that is not a cursor this module made. */
export function decodeDeliveryCursor(cursor: string | null | undefined): DeliveryCursor | null {
  const match = /^(\d{1,16})_(\d{1,16})$/.exec(cursor ?? "");
  if (!match) return null;
  return { createdAt: Number(match[1]), id: Number(match[2]) };
}

/** Rows strictly before the cursor in newest-first order. */
export function beforeCursor(eb: ExpressionBuilder<Schema, "deliveries">, { createdAt, id }: DeliveryCursor) {
  return eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]);
}

/** Rows strictly after the cursor in oldest-first order. */
export function afterCursor(eb: ExpressionBuilder<Schema, "deliveries">, { createdAt, id }: DeliveryCursor) {
  return eb.or([eb("created_at", ">", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", ">", id)])]);
}

/** The page's query, unexecuted (tests read its plan). `limit` rows at most. */
export function selectDeliveryPage(database: Pick<Database, "db">, filter: DeliveryFilter, after: DeliveryCursor | null, limit: number) {
  let select = database.db.selectFrom("deliveries").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit);
  if (filter.shop !== undefined) select = select.where("shop", "=", filter.shop);
  if (filter.status !== undefined) select = select.where("status", "=", filter.status);
  // The literal predicates, not bound values: the partial index is used only for a WHERE that repeats its own.
  if (filter.events === "orders") select = select.where(sql<boolean>`${ORDER_ROW}`);
  else if (filter.events === "funnel") select = select.where(sql<boolean>`${FUNNEL_ROW}`);
  else if (filter.events !== undefined) select = select.where(sql<boolean>`${FUNNEL_ROW}`).where("event_name", "=", filter.events);
  const order = filter.order?.trim();
  if (order) {
    const name = order.startsWith("#") ? order : `#${order}`;
    select = select.where((eb) => eb.or([eb("order_name", "=", order), eb("order_name", "=", name), eb("order_id", "=", order.replace(/^#/, ""))]));
  }
  if (filter.fromMs !== undefined) select = select.where("created_at", ">=", filter.fromMs);
  if (filter.toMs !== undefined) select = select.where("created_at", "<", filter.toMs);
  if (after !== null) select = select.where((eb) => beforeCursor(eb, after));
  return select;
}

/** One page of `limit` rows and the cursor of the next (null: this was the last). */
export async function readDeliveryPage(database: Pick<Database, "db">, filter: DeliveryFilter, after: DeliveryCursor | null, limit: number): Promise<DeliveryPage> {
  const records = await selectDeliveryPage(database, filter, after, limit + 1).execute();
  const rows = records.slice(0, limit).map(toDeliveryRow);
  const last = rows.at(-1);
  return { rows, nextCursor: records.length > limit && last !== undefined ? encodeDeliveryCursor(last) : null };
}

/**
 * A shop's rows oldest first, `limit` at a time after the cursor (null: from the start), through the same
 * (shop, created_at) index: the data-request search reads a whole shop this way, off the request path.
 */
export function readShopDeliveriesOldestFirst(database: Pick<Database, "db">, shop: string, after: DeliveryCursor | null, limit: number) {
  let select = database.db
    .selectFrom("deliveries")
    .select(["id", "order_id", "order_name", "event_name", "event_id", "destination", "status", "created_at", "sent_at", "match_keys", "payload"])
    .where("shop", "=", shop)
    .orderBy("created_at", "asc")
    .orderBy("id", "asc")
    .limit(limit);
  if (after !== null) select = select.where((eb) => afterCursor(eb, after));
  return select.execute();
}
