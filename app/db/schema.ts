import type { Generated, Insertable, Selectable } from "kysely";

// Column conventions shared by both engines: timestamps are integer milliseconds (bigint), booleans are
// integers 0/1, structured values are JSON text. That keeps one set of queries valid on SQLite and PostgreSQL.

export type SessionsTable = {
  id: string;
  shop: string;
  state: string;
  is_online: number;
  scope: string | null;
  expires: number | null;
  /** Encrypted with token-crypto (never plaintext). */
  access_token: string | null;
  user_id: number | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  account_owner: number | null;
  locale: string | null;
  collaborator: number | null;
  email_verified: number | null;
  /** Encrypted with token-crypto (never plaintext). */
  refresh_token: string | null;
  refresh_token_expires: number | null;
};

export type ShopsTable = {
  shop: string;
  /** JSON array of Meta pixel (dataset) ids. */
  pixel_ids: string;
  /** Meta Conversions API token, encrypted with token-crypto. */
  access_token_enc: string | null;
  test_event_code: string | null;
  /** JSON object of PurchaseSettings. */
  settings: string;
  enabled: number;
  needs_attention_reason: string | null;
  needs_attention_at: number | null;
  storefront_url: string | null;
  installed_at: number | null;
  uninstalled_at: number | null;
  created_at: number;
  updated_at: number;
  /** First token error not yet confirmed by a second call (decision 0020); null when none. */
  token_error_at: Generated<number | null>;
  /** A token-paused shop: when its token is checked again; null when not paused for its token. */
  token_recheck_at: Generated<number | null>;
  token_rechecks: Generated<number>;
};

export type WebhookReceiptsTable = {
  shop: string;
  topic: string;
  webhook_id: string;
  received_at: number;
};

export type DeliveriesTable = {
  id: Generated<number>;
  shop: string;
  destination: string;
  event_name: string;
  event_id: string;
  provenance: string;
  order_id: string | null;
  order_name: string | null;
  /** Unix seconds, as Meta wants it. */
  event_time: number;
  /** JSON of the hashed CAPI event; null after the retention purge. */
  payload: string | null;
  /** JSON array of the match keys the event carries (em, ph, fbp, ...). */
  match_keys: string;
  status: string;
  status_reason: string | null;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  fbtrace_id: string | null;
  events_received: number | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  /** What is notable about the order behind the event (no_shopper, late_payment, very_late_payment); null when nothing. */
  order_kind: string | null;
  /** Claims after a claim that recorded no outcome (decision 0020): each may have repeated a request Meta got. */
  resends: Generated<number>;
  resent_at: number | null;
  /** When the request now carrying the row to Meta started; null once its answer is recorded (migration 0010). */
  sending_started_at: Generated<number | null>;
};

/**
 * Which order owns an event id (decision 0015): one row per (shop, event_name, event_id) and one per
 * (shop, event_name, order_id), so an id names one order and an order yields one event per event name.
 */
export type OrderEventsTable = {
  shop: string;
  event_name: string;
  event_id: string;
  order_id: string;
  /** The webhook that claimed it; null for claims back-filled by migration 0004. */
  topic: string | null;
  webhook_id: string | null;
  created_at: number;
  /** Set only for orders a browser was at (migration 0012): the key into browser_purchase_ids. */
  checkout_token: string | null;
  /** The id the browser's Purchase used, as known when the order's id was fixed; null: not reported. */
  browser_event_id: string | null;
};

/** A destination (one Meta pixel) paused for a cause of its own; a token cause pauses the shop instead. */
export type DestinationPausesTable = {
  shop: string;
  destination: string;
  reason: string;
  paused_at: number;
};

/** Bulk work queued by a request and done in chunks by the maintenance loop (decision 0020). */
export type MaintenanceJobsTable = {
  id: Generated<number>;
  kind: string;
  shop: string | null;
  /** JSON of the job's arguments (order ids, a status); never raw customer data. */
  args: string;
  status: string;
  done_rows: Generated<number>;
  attempts: Generated<number>;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
};

/** A customers/data_request and, once gathered, what Tandem holds for that customer. */
export type DataRequestsTable = {
  id: Generated<number>;
  shop: string;
  request_id: string | null;
  customer_id: string | null;
  /** JSON array of order ids. */
  orders_requested: string;
  /** JSON of SHA-256 hashes to match (em, ph, external_id), as the events store them. */
  match_hashes: string;
  status: string;
  /** JSON of the DataRequestReport once gathered. */
  report: string | null;
  created_at: number;
  completed_at: number | null;
};

/**
 * A cancellation or refund of an order (decision 0024): recorded, never sent (Meta has no such event).
 * `kind` cancelled | refunded; `source_id` the Shopify refund id, or `cancelled` (an order is cancelled once).
 */
export type OrderAdjustmentsTable = {
  id: Generated<number>;
  shop: string;
  order_id: string;
  order_name: string | null;
  kind: string;
  source_id: string;
  /** Decimal text as Shopify writes money ("20.00"); refunds only: the refund's successful refund transactions. */
  amount: string | null;
  currency: string | null;
  /** Shopify's cancel_reason (customer, fraud, inventory, declined, staff, other); null for refunds. */
  reason: string | null;
  /** When the order was cancelled or the refund made (ms). */
  occurred_at: number;
  /** The order's Purchase when this arrived: sent | stopped (cancelled before sending) | unsent | none. */
  purchase: string;
  webhook_id: string | null;
  created_at: number;
};

/** One row of alert_log (migration 0007): at most one alert email per (shop, cause, day). */
export type AlertLogTable = {
  shop: string;
  cause: string;
  /** YYYY-MM-DD: the day the email went out, or the shop's day whose order count was checked. */
  day: string;
  /** sending | sent | checked (app/db/alerts.server.ts, ALERT_LOG_STATUS). */
  status: string;
  at: number;
};

/** The event id a shopper's browser sent its Purchase under, per checkout: the first one reported (migration 0011). */
export type BrowserPurchaseIdsTable = {
  shop: string;
  checkout_token: string;
  event_id: string;
  created_at: number;
};

/**
 * A funnel event the collector stored, until it is sent or handed to `deliveries` (migration 0015, decision
 * 0034), then kept without its payload for RETENTION_FUNNEL_HOURS so a replay stores nothing.
 */
export type FunnelEventsTable = {
  id: Generated<number>;
  shop: string;
  destination: string;
  event_name: string;
  event_id: string;
  /** Unix seconds. */
  event_time: number;
  /** JSON of the hashed CAPI event; null once the row is done. */
  payload: string | null;
  /** JSON array of the match keys the event carries. */
  match_keys: string;
  created_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  sending_started_at: number | null;
  resends: Generated<number>;
  resent_at: number | null;
  /** When the row left the queue: sent, or moved to `deliveries` with the outcome of its first try. */
  done_at: number | null;
};

/** Funnel events sent per shop, UTC day (YYYY-MM-DD) and event name (migration 0015). */
export type FunnelEventCountsTable = {
  shop: string;
  day: string;
  event_name: string;
  sent: number;
};

export type Schema = {
  sessions: SessionsTable;
  shops: ShopsTable;
  webhook_receipts: WebhookReceiptsTable;
  deliveries: DeliveriesTable;
  order_events: OrderEventsTable;
  destination_pauses: DestinationPausesTable;
  maintenance_jobs: MaintenanceJobsTable;
  data_requests: DataRequestsTable;
  order_adjustments: OrderAdjustmentsTable;
  alert_log: AlertLogTable;
  browser_purchase_ids: BrowserPurchaseIdsTable;
  funnel_events: FunnelEventsTable;
  funnel_event_counts: FunnelEventCountsTable;
};

export type SessionRecord = Selectable<SessionsTable>;
export type ShopRecord = Selectable<ShopsTable>;
export type DeliveryRecord = Selectable<DeliveriesTable>;
export type NewDeliveryRecord = Insertable<DeliveriesTable>;
export type FunnelEventRecord = Selectable<FunnelEventsTable>;
export type NewFunnelEventRecord = Insertable<FunnelEventsTable>;
