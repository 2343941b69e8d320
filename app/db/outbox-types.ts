import type { OrderKind } from "../tracking/purchase-from-order";
import type { DeliveryRecord, NewDeliveryRecord } from "./schema";
import type { DestinationKey } from "../destinations/destination-key";

export const DELIVERY_STATUS = {
  pending: "pending",
  retrying: "retrying",
  sent: "sent",
  needsAttention: "needs_attention",
  held: "held",
  skipped: "skipped",
  dead: "dead",
} as const;
export type DeliveryStatus = (typeof DELIVERY_STATUS)[keyof typeof DELIVERY_STATUS];
export const ALL_DELIVERY_STATUSES: readonly DeliveryStatus[] = Object.values(DELIVERY_STATUS);

/**
 * Where the event id came from; `collision`: the order's own id, because its id belonged to another order;
 * `browser_ledger`: the id the browser's Purchase reported for the checkout (decision 0029).
 */
export type DeliveryProvenance = "note_attribute" | "checkout_token" | "order_id" | "collision" | "browser_ledger";

export type NewDelivery = {
  shop: string;
  destination: DestinationKey;
  eventName: string;
  eventId: string;
  provenance: DeliveryProvenance;
  orderId: string | null;
  orderName: string | null;
  /** Unix seconds. */
  eventTime: number;
  /** The hashed CAPI event; null for rows that will never be sent (skipped, invalid). */
  payload: object | null;
  matchKeys: string[];
  status: "pending" | "held" | "skipped" | "dead";
  statusReason?: string | null;
  nextAttemptAt: number;
  /** What is notable about the order (decision 0015); shown in Activity, counted in Health. */
  orderKind?: OrderKind | null;
};

export type DeliveryRow = {
  id: number;
  shop: string;
  destination: DestinationKey;
  eventName: string;
  eventId: string;
  provenance: string;
  orderId: string | null;
  orderName: string | null;
  eventTime: number;
  /** The hashed CAPI event; null once the retention purge has run. */
  payload: Record<string, unknown> | null;
  matchKeys: string[];
  status: DeliveryStatus;
  statusReason: string | null;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  fbtraceId: string | null;
  eventsReceived: number | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  orderKind: string | null;
  /** Times the row was sent again after a request whose answer was lost (decision 0025); Meta deduplicates. */
  resends: number;
  resentAt: number | null;
  /** Set while a request carrying the row is out; still set at a claim: that request's answer was lost. */
  sendingStartedAt: number | null;
};

// A damaged column must not make claimDue throw (that would stall every shop's delivery): it reads as
// null / empty, and the worker marks such a row dead with a reason.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const value: unknown = parseJson(text);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function parseStringArray(text: string): string[] {
  const value: unknown = parseJson(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function toStatus(value: string): DeliveryStatus {
  const status = ALL_DELIVERY_STATUSES.find((candidate) => candidate === value);
  if (status === undefined) throw new Error(`Unknown delivery status in database: ${value}`);
  return status;
}

export function toDeliveryRow(record: DeliveryRecord): DeliveryRow {
  return {
    id: Number(record.id),
    shop: record.shop,
    destination: record.destination,
    eventName: record.event_name,
    eventId: record.event_id,
    provenance: record.provenance,
    orderId: record.order_id,
    orderName: record.order_name,
    eventTime: record.event_time,
    payload: parseObject(record.payload),
    matchKeys: parseStringArray(record.match_keys),
    status: toStatus(record.status),
    statusReason: record.status_reason,
    attempts: record.attempts,
    nextAttemptAt: record.next_attempt_at,
    leaseOwner: record.lease_owner,
    leaseUntil: record.lease_until,
    fbtraceId: record.fbtrace_id,
    eventsReceived: record.events_received,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    sentAt: record.sent_at,
    orderKind: record.order_kind,
    resends: Number(record.resends),
    resentAt: record.resent_at === null ? null : Number(record.resent_at),
    sendingStartedAt: record.sending_started_at === null ? null : Number(record.sending_started_at),
  };
}

/** The bookkeeping columns of a new row the worker may send at once: pending, never tried, due now. */
export function pendingColumns(nowMs: number) {
  return { status: "pending", status_reason: null, attempts: 0, next_attempt_at: nowMs, created_at: nowMs, updated_at: nowMs } as const;
}

export function toNewRecord(row: NewDelivery, nowMs: number): NewDeliveryRecord {
  return {
    shop: row.shop,
    destination: row.destination,
    event_name: row.eventName,
    event_id: row.eventId,
    provenance: row.provenance,
    order_id: row.orderId,
    order_name: row.orderName,
    event_time: row.eventTime,
    payload: row.payload === null ? null : JSON.stringify(row.payload),
    match_keys: JSON.stringify(row.matchKeys),
    status: row.status,
    status_reason: row.statusReason ?? null,
    attempts: 0,
    next_attempt_at: row.nextAttemptAt,
    created_at: nowMs,
    updated_at: nowMs,
    order_kind: row.orderKind ?? null,
  };
}
