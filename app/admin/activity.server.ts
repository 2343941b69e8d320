import type { Services } from "../services";
import { decodeDeliveryCursor, encodeDeliveryCursor, readDeliveryPage, selectDeliveryPage, type DeliveryEvents, type DeliveryFilter } from "../db/delivery-pages.server";
import { countWaitingFunnelEvents } from "../db/funnel-backlog.server";
import { funnelSentCounts } from "../db/funnel-counts.server";
import { utcDay } from "../db/funnel-outbox.server";
import { createOrderAdjustments } from "../db/order-adjustments.server";
import { ALL_DELIVERY_STATUSES, type DeliveryStatus } from "../db/outbox-types";
import { pixelIdOf } from "../destinations/destination-key";
import { COLLECTOR_PROVENANCE } from "../collector/funnel-rows";
import { FUNNEL_EVENT_NAMES, isFunnelEventName, type FunnelEventName } from "../tracking/funnel-events";
import { ALL_EVENTS, SHOPPER_EVENTS } from "./activity-events";
import { queueRedriveOrRefuse } from "../shops/redrive.server";
import type { ActivityAdjustment } from "./adjustment-words";
import type { Attention } from "./attention.server";
import { nextCivilDayStart, parseZonedDate } from "./zoned-days";

// The activity log: newest first, keyset-paginated on (created_at, id) — page 2,000 costs what page 1 costs —
// filtered by status, order and day (days in the shop's time zone). The paging is the one every reader of
// deliveries shares, the CLI's `deliveries:list` included (app/db/delivery-pages). It opens on the shop's
// Purchases: the collector's shopper events outnumber them tens to one and are one choice away (decision 0031).

type Deps = Pick<Services, "database">;

export type ActivityRow = {
  id: number;
  status: DeliveryStatus;
  statusReason: string | null;
  eventName: string;
  eventId: string;
  provenance: string;
  /** What is notable about the order (no_shopper, late_payment, very_late_payment), decision 0015. */
  orderKind: string | null;
  orderId: string | null;
  orderName: string | null;
  pixelId: string | null;
  matchKeys: string[];
  /** The value and currency the event carries (null once the payload is purged, or for skipped orders). */
  value: { amount: number; currency: string } | null;
  fbtraceId: string | null;
  eventsReceived: number | null;
  attempts: number;
  /** Sends after a request whose answer was lost (worker killed, lease ran out): Meta may have had it (decision 0025). */
  resends: number;
  resentAt: number | null;
  /** The status line's words for such a row, null when it was never sent again. */
  resendNote: string | null;
  createdAt: number;
  sentAt: number | null;
  /** The order's recorded cancellation and refunds, oldest first (decision 0024). */
  adjustments: ActivityAdjustment[];
  /** A shopper event the collector stored (no order): the detail says so instead of linking an order. */
  fromCollector: boolean;
  /** The page a shopper event happened on, as sent to Meta (no query or fragment); null for orders or once purged. */
  pageUrl: string | null;
  /** Set while the row waits behind a standing pause (the shop's token, or its own pixel): `markWaiting`. */
  waitingFor: WaitingCause | null;
};

/** What a waiting row waits for; `waitingLabel` (pause-words) says it in words. */
export type WaitingCause = { shopPaused: boolean; pixelId: string | null };

export type ActivityPage = { rows: ActivityRow[]; nextCursor: string | null };

/** `events` unset: every event; the page's default is "orders" (parseActivityParams). */
export type ActivityQuery = { shop: string; status?: DeliveryStatus; order?: string; fromMs?: number; toMs?: number; events?: DeliveryEvents; cursor?: string | null; limit?: number };

/**
 * The filters as the page shows them (dates as the merchant typed them, in the shop's time zone). `events`: ""
 * is the default, Purchases; "all", "shopper" (every shopper event) or one shopper event's name.
 */
export type ActivityFilterForm = { status: string; order: string; from: string; to: string; events: string };

/** The page's event choice → the paging filter's; anything unknown is the default (Purchases). */
export function parseEvents(value: string | null): { events: DeliveryEvents | undefined; form: string } {
  if (value === ALL_EVENTS) return { events: undefined, form: ALL_EVENTS };
  if (value === SHOPPER_EVENTS) return { events: "funnel", form: SHOPPER_EVENTS };
  if (isFunnelEventName(value)) return { events: value, form: value };
  return { events: "orders", form: "" };
}

export const ACTIVITY_PAGE_SIZE = 25;

/** Opaque to the page; `<created_at>_<id>` of the last row shown (the shared delivery cursor). */
export const encodeCursor = encodeDeliveryCursor;
export const decodeCursor = decodeDeliveryCursor;

export function parseStatus(value: string | null): DeliveryStatus | undefined {
  return ALL_DELIVERY_STATUSES.find((status) => status === value);
}

/** The page's search parameters as a query; malformed values are dropped, never an error. */
export function parseActivityParams(shop: string, params: URLSearchParams, timeZone: string): { query: ActivityQuery; form: ActivityFilterForm } {
  const status = parseStatus(params.get("status"));
  const order = (params.get("order") ?? "").trim().slice(0, 64);
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const fromMs = parseZonedDate(from, timeZone) ?? undefined;
  const toMs = nextCivilDayStart(to, timeZone) ?? undefined;
  const events = parseEvents(params.get("events"));
  return {
    query: { shop, status, order: order || undefined, fromMs, toMs, events: events.events, cursor: params.get("after") },
    form: { status: status ?? "", order, from: fromMs === undefined ? "" : from, to: toMs === undefined ? "" : to, events: events.form },
  };
}

/** custom_data.value and currency from the stored (hashed) CAPI event; nothing else of it leaves this function. */
function valueOf(event: Record<string, unknown> | null): ActivityRow["value"] {
  const custom = event?.custom_data;
  if (typeof custom !== "object" || custom === null) return null;
  const { value, currency } = custom as { value?: unknown; currency?: unknown };
  return typeof value === "number" && Number.isFinite(value) && typeof currency === "string" && /^[A-Za-z]{3}$/.test(currency)
    ? { amount: value, currency: currency.toUpperCase() }
    : null;
}

/** The page a funnel event was sent with (its payload's event_source_url, stored without query or fragment). */
function pageUrlOf(event: Record<string, unknown> | null): string | null {
  const url = event?.event_source_url;
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

function filterOf(query: ActivityQuery): DeliveryFilter {
  return { shop: query.shop, status: query.status, order: query.order, fromMs: query.fromMs, toMs: query.toMs, events: query.events };
}

export function activityPageQuery(deps: Deps, query: ActivityQuery) {
  return selectDeliveryPage(deps.database, filterOf(query), decodeCursor(query.cursor), (query.limit ?? ACTIVITY_PAGE_SIZE) + 1);
}

export async function listActivity(deps: Deps, query: ActivityQuery): Promise<ActivityPage> {
  const limit = query.limit ?? ACTIVITY_PAGE_SIZE;
  const page = await readDeliveryPage(deps.database, filterOf(query), decodeCursor(query.cursor), limit);
  const rows: ActivityRow[] = page.rows.map((record) => ({
    id: record.id,
    status: record.status,
    statusReason: record.statusReason,
    eventName: record.eventName,
    eventId: record.eventId,
    provenance: record.provenance,
    orderKind: record.orderKind,
    orderId: record.orderId,
    orderName: record.orderName,
    pixelId: pixelIdOf(record.destination),
    matchKeys: record.matchKeys,
    value: valueOf(record.payload),
    fbtraceId: record.fbtraceId,
    eventsReceived: record.eventsReceived === null ? null : Number(record.eventsReceived),
    attempts: Number(record.attempts),
    resends: record.resends,
    resentAt: record.resentAt,
    resendNote: record.resends > 0 ? "Sent again after a lost answer (Meta deduplicates by event_id)" : null,
    createdAt: Number(record.createdAt),
    sentAt: record.sentAt === null ? null : Number(record.sentAt),
    adjustments: [],
    fromCollector: record.provenance === COLLECTOR_PROVENANCE,
    pageUrl: record.provenance === COLLECTOR_PROVENANCE ? pageUrlOf(record.payload) : null,
    waitingFor: null,
  }));
  // One more indexed read for the page's orders: their cancellations and refunds (decision 0024).
  const adjustments = await createOrderAdjustments(deps.database).listForOrders(query.shop, rows.flatMap((row) => (row.orderId ? [row.orderId] : [])));
  for (const row of rows) {
    row.adjustments = (adjustments.get(row.orderId ?? "") ?? []).map(({ kind, amount, currency, reason, occurredAt, purchase }) => ({ kind, amount, currency, reason, occurredAt, purchase }));
  }
  return { rows, nextCursor: page.nextCursor };
}

/** Every row the filters match, page by page (the export walks the same keyset). */
export async function* allActivity(deps: Deps, query: ActivityQuery, pageSize = 500): AsyncGenerator<ActivityRow[]> {
  let cursor: string | null = null;
  do {
    const page: ActivityPage = await listActivity(deps, { ...query, cursor, limit: pageSize });
    if (page.rows.length > 0) yield page.rows;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Sent funnel events of one name: today and over the last 7 days (UTC days, today included). */
export type FunnelSentLine = { eventName: string; today: number; week: number };

/**
 * What Activity says of shopper events above their table (decision 0034): a sent funnel event is counted, not
 * listed, so the table holds only those whose first send failed (and rows stored before the change).
 */
export type FunnelSummary = {
  /** The UTC day the counts call today ('YYYY-MM-DD'): funnel_event_counts keys its days in UTC. */
  today: string;
  /** The one event name the filter chose, else null (every shopper event). */
  chosen: FunnelEventName | null;
  /** The chosen name's line; else one line per name sent in the last 7 days, in the filter's order. */
  lines: FunnelSentLine[];
  total: { today: number; week: number };
  /** The shop's funnel events waiting for their first send now (every name), counted up to WAITING_COUNT_LIMIT. */
  waiting: number;
  /** True when `waiting` stopped at the limit: there are at least that many. */
  waitingCapped: boolean;
};

/** The waiting count stops here: a backlog can hold FUNNEL_BACKLOG_MAX rows, and a page load reads at most these. */
export const WAITING_COUNT_LIMIT = 10_000;

const WEEK_DAYS = 7;

/**
 * The shopper events' summary for the page's event choice: null for Purchases (unchanged), else the counts of
 * every shopper event (Shopper events, All events) or of the chosen one. Two bounded reads: the shop's count
 * rows of the last 7 days, and the waiting count. The day filters do not apply: the counts are per UTC day.
 */
export async function readFunnelSummary(deps: Deps, query: Pick<ActivityQuery, "shop" | "events">, nowMs: number): Promise<FunnelSummary | null> {
  if (query.events === "orders") return null;
  const chosen = isFunnelEventName(query.events) ? query.events : null;
  const today = utcDay(nowMs);
  const [counts, waiting] = await Promise.all([
    funnelSentCounts(deps.database, query.shop, utcDay(nowMs - (WEEK_DAYS - 1) * 86_400_000)),
    countWaitingFunnelEvents(deps.database, query.shop, WAITING_COUNT_LIMIT),
  ]);
  const byName = new Map<string, FunnelSentLine>();
  for (const count of counts) {
    const line = byName.get(count.eventName) ?? { eventName: count.eventName, today: 0, week: 0 };
    line.week += count.sent;
    if (count.day === today) line.today += count.sent;
    byName.set(count.eventName, line);
  }
  // Known names in the filter's order, then any name the collector no longer accepts: no count is hidden.
  const order = (name: string) => {
    const index = (FUNNEL_EVENT_NAMES as readonly string[]).indexOf(name);
    return index === -1 ? FUNNEL_EVENT_NAMES.length : index;
  };
  const lines =
    chosen !== null
      ? [byName.get(chosen) ?? { eventName: chosen, today: 0, week: 0 }]
      : [...byName.values()].sort((a, b) => order(a.eventName) - order(b.eventName) || a.eventName.localeCompare(b.eventName));
  const total = lines.reduce((sum, line) => ({ today: sum.today + line.today, week: sum.week + line.week }), { today: 0, week: 0 });
  return { today, chosen, lines, total, waiting, waitingCapped: waiting >= WAITING_COUNT_LIMIT };
}

// Statuses a pause holds back: the worker parks a paused shop's or pixel's rows as needs_attention, and rows
// queued before it reaches them are as stuck.
const HELD_BY_PAUSE: ReadonlySet<DeliveryStatus> = new Set(["needs_attention", "pending", "retrying"]);

/** Marks the rows that wait behind a standing pause: the shop's (token) pause, else the row's own pixel's. */
export function markWaiting(rows: ActivityRow[], attention: Pick<Attention, "reason" | "pixels">): ActivityRow[] {
  const pausedPixels = new Set(attention.pixels.map((pixel) => pixel.pixelId));
  return rows.map((row) => {
    if (!HELD_BY_PAUSE.has(row.status)) return row;
    if (attention.reason !== null) return { ...row, waitingFor: { shopPaused: true, pixelId: row.pixelId } };
    if (row.pixelId !== null && pausedPixels.has(row.pixelId)) return { ...row, waitingFor: { shopPaused: false, pixelId: row.pixelId } };
    return row;
  });
}

export const REDRIVABLE = ["dead", "needs_attention"] as const;
export type RedrivableStatus = (typeof REDRIVABLE)[number];

export function parseRedrivable(value: unknown): RedrivableStatus | null {
  return REDRIVABLE.find((status) => status === value) ?? null;
}

/**
 * Queues the requeue of the shop's failed or needs-attention rows (lifting pixel pauses Meta now confirms); the
 * maintenance loop does it in chunks (decision 0020). `queued` counts the rows it will requeue (up to 10,000);
 * while the cause stands nothing moves and `refused` says why, in the merchant's words (decision 0022).
 */
export async function redriveActivity(
  deps: Parameters<typeof queueRedriveOrRefuse>[0],
  shop: string,
  status: RedrivableStatus,
  nowMs: number,
): Promise<{ queued: number; refused: string | null }> {
  return queueRedriveOrRefuse(deps, { shop, status, nowMs });
}
