import type { ActivityRow } from "./activity.server";
import { MATCH_KEY_WORDS, ORDER_KIND_WORDS, PROVENANCE_WORDS, reasonInWords, statusInWords } from "./words";

// The CSV export of Activity. No customer data: ids, statuses, values, and which match keys were present
// (their names, never the hashes). Times are ISO 8601 UTC so a spreadsheet reads them whatever its locale.
// A shopper event's page is the one sent to Meta: no query, no fragment.

export const ACTIVITY_CSV_COLUMNS = [
  "received_at",
  "order_name",
  "order_id",
  "event_name",
  "event_id",
  "event_id_source",
  "status",
  "reason",
  "order_kind",
  "value",
  "currency",
  "pixel_id",
  "match_keys",
  "fbtrace_id",
  "events_received",
  "attempts",
  "resends",
  "sent_at",
  "page_url",
] as const;

function cell(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  // A leading =, +, - or @ would be run as a formula by spreadsheets: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function activityCsvHeader(): string {
  return `${ACTIVITY_CSV_COLUMNS.join(",")}\r\n`;
}

export function activityCsvLine(row: ActivityRow): string {
  const values: Array<string | number | null> = [
    iso(row.createdAt),
    row.orderName,
    row.orderId,
    row.eventName,
    row.eventId,
    PROVENANCE_WORDS[row.provenance] ?? row.provenance,
    statusInWords(row.status),
    reasonInWords(row.statusReason),
    row.orderKind === null ? null : (ORDER_KIND_WORDS[row.orderKind] ?? row.orderKind),
    row.value?.amount ?? null,
    row.value?.currency ?? null,
    row.pixelId,
    row.matchKeys.map((key) => MATCH_KEY_WORDS[key] ?? key).join("; "),
    row.fbtraceId,
    row.eventsReceived,
    row.attempts,
    row.resends,
    iso(row.sentAt),
    row.pageUrl,
  ];
  return `${values.map(cell).join(",")}\r\n`;
}
