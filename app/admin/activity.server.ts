import type { AppContext } from "../context.server";
import { ALL_DELIVERY_STATUSES, type DeliveryStatus } from "../db/outbox-types";
import { queueRedrive } from "../shops/redrive.server";

// The activity list: newest first, keyset-paginated on (created_at, id) so the page query walks the
// (shop, created_at) index instead of counting past an OFFSET — page 2,000 costs what page 1 costs.

type Deps = Pick<AppContext, "database">;

export type ActivityRow = {
  id: number;
  status: DeliveryStatus;
  statusReason: string | null;
  eventName: string;
  eventId: string;
  provenance: string;
  /** What is notable about the order (no_shopper, late_payment, very_late_payment), decision 0015. */
  orderKind: string | null;
  orderName: string | null;
  pixelId: string | null;
  matchKeys: string[];
  fbtraceId: string | null;
  eventsReceived: number | null;
  attempts: number;
  createdAt: number;
};

export type ActivityPage = { rows: ActivityRow[]; nextCursor: string | null };

export type ActivityQuery = { shop: string; status?: DeliveryStatus; cursor?: string | null; limit?: number };

export const ACTIVITY_PAGE_SIZE = 25;

/** Opaque to the page; `<created_at>_<id>` of the last row shown. */
export function encodeCursor(row: { createdAt: number; id: number }): string {
  return `${row.createdAt}_${row.id}`;
}

export function decodeCursor(cursor: string | null | undefined): { createdAt: number; id: number } | null {
  const match = /^(\d{1,16})_(\d{1,16})$/.exec(cursor ?? "");
  if (!match) return null;
  return { createdAt: Number(match[1]), id: Number(match[2]) };
}

export function parseStatus(value: string | null): DeliveryStatus | undefined {
  return ALL_DELIVERY_STATUSES.find((status) => status === value);
}

function parseKeys(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((key): key is string => typeof key === "string") : [];
  } catch {
    return [];
  }
}

export function activityPageQuery(deps: Deps, query: ActivityQuery) {
  const limit = query.limit ?? ACTIVITY_PAGE_SIZE;
  const after = decodeCursor(query.cursor);
  let select = deps.database.db
    .selectFrom("deliveries")
    .select([
      "id",
      "status",
      "status_reason",
      "event_name",
      "event_id",
      "provenance",
      "order_kind",
      "order_name",
      "destination",
      "match_keys",
      "fbtrace_id",
      "events_received",
      "attempts",
      "created_at",
    ])
    .where("shop", "=", query.shop)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (query.status !== undefined) select = select.where("status", "=", query.status);
  if (after !== null) {
    const { createdAt, id } = after;
    select = select.where((eb) =>
      eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]),
    );
  }
  return select;
}

export async function listActivity(deps: Deps, query: ActivityQuery): Promise<ActivityPage> {
  const limit = query.limit ?? ACTIVITY_PAGE_SIZE;
  const records = await activityPageQuery(deps, query).execute();
  const rows: ActivityRow[] = records.slice(0, limit).map((record) => ({
    id: Number(record.id),
    status: parseStatus(record.status) ?? "pending",
    statusReason: record.status_reason,
    eventName: record.event_name,
    eventId: record.event_id,
    provenance: record.provenance,
    orderKind: record.order_kind,
    orderName: record.order_name,
    pixelId: record.destination.startsWith("meta:") && record.destination !== "meta:unconfigured" ? record.destination.slice(5) : null,
    matchKeys: parseKeys(record.match_keys),
    fbtraceId: record.fbtrace_id,
    eventsReceived: record.events_received === null ? null : Number(record.events_received),
    attempts: Number(record.attempts),
    createdAt: Number(record.created_at),
  }));
  const last = rows.at(-1);
  return { rows, nextCursor: records.length > limit && last !== undefined ? encodeCursor(last) : null };
}

export const REDRIVABLE = ["dead", "needs_attention"] as const;
export type RedrivableStatus = (typeof REDRIVABLE)[number];

export function parseRedrivable(value: unknown): RedrivableStatus | null {
  return REDRIVABLE.find((status) => status === value) ?? null;
}

/**
 * Queues the requeue of the shop's failed or needs-attention rows (lifting pixel pauses); the maintenance loop
 * does it in chunks (decision 0020). Returns how many rows it will requeue (counted up to 10,000).
 */
export async function redriveActivity(
  deps: Pick<AppContext, "shops" | "database" | "queue">,
  shop: string,
  status: RedrivableStatus,
  nowMs: number,
): Promise<number> {
  return queueRedrive(deps, { shop, status, nowMs });
}
