import { sql } from "kysely";

// The partial indexes of migration 0013 and the queries that use them share these exact SQL texts: SQLite and
// PostgreSQL use a partial index only when the query's WHERE contains its predicate, literals included (a bound
// parameter in its place would not match). Written once here so the two cannot drift apart.

/** A funnel event row: what the collector writes (app/collector/funnel-rows.ts, provenance `collector`). */
export const FUNNEL_ROW = sql.raw("provenance = 'collector'");
/** Not finished: still to be sent, or waiting on a pause. The backlog the cap bounds. */
export const FUNNEL_UNSENT = sql.raw("status in ('pending', 'retrying', 'needs_attention', 'held')");
/** Sent: kept RETENTION_FUNNEL_HOURS after sent_at. */
export const FUNNEL_SENT = sql.raw("status = 'sent'");
/** Not a funnel row: an order's event (Purchase, RecurringPurchase). Migration 0014's index and Activity's default. */
export const ORDER_ROW = sql.raw("provenance <> 'collector'");
