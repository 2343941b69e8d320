import type { Database } from "../db/connection.server";
import { readShopDeliveriesOldestFirst, type DeliveryCursor } from "../db/delivery-pages.server";
import { createDataRequests, type DataRequestReport, type HeldEvent, type MatchHashes } from "../db/data-requests.server";
import type { MaintenanceJob } from "../db/maintenance-jobs.server";

// Gathers what Tandem holds for the customer of a customers/data_request (decision 0020): the events of the
// orders Shopify named, and any other event of the shop whose hashed email, phone or customer id matches the
// request's. The shop's rows are read in chunks through (shop, created_at), off the request path.

const SCAN_CHUNK = 500;
export const MAX_REPORTED_EVENTS = 5_000;
const HASHED_KEYS = ["em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id", "db", "ge"];
const PLAIN_KEYS = ["client_ip_address", "client_user_agent", "fbp", "fbc"];

type Row = {
  id: number;
  order_id: string | null;
  order_name: string | null;
  event_name: string;
  event_id: string;
  destination: string;
  status: string;
  created_at: number;
  sent_at: number | null;
  match_keys: string;
  payload: string | null;
};

function userDataOf(payload: string | null): Record<string, unknown> | null {
  if (payload === null) return null;
  try {
    const parsed: unknown = JSON.parse(payload);
    const userData = typeof parsed === "object" && parsed !== null ? (parsed as { user_data?: unknown }).user_data : null;
    return typeof userData === "object" && userData !== null ? (userData as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function values(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function describe(row: Row, matchedBy: string[]): HeldEvent {
  const userData = userDataOf(row.payload);
  let matchKeys: string[] = [];
  try {
    matchKeys = values(JSON.parse(row.match_keys));
  } catch {
    matchKeys = [];
  }
  const hashedKeys = userData
    ? Object.fromEntries(HASHED_KEYS.flatMap((key) => (values(userData[key]).length > 0 ? [[key, values(userData[key])]] : [])))
    : null;
  return {
    orderId: row.order_id,
    orderName: row.order_name,
    eventName: row.event_name,
    eventId: row.event_id,
    destination: row.destination,
    status: row.status,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    matchKeys,
    hashedKeys,
    plainKeysHeld: userData ? PLAIN_KEYS.filter((key) => userData[key] !== undefined) : [],
    matchedBy,
  };
}

function matches(row: Row, orders: ReadonlySet<string>, hashes: MatchHashes): string[] {
  const by: string[] = [];
  if (row.order_id !== null && orders.has(row.order_id)) by.push("order id");
  const userData = userDataOf(row.payload);
  if (userData) {
    for (const key of ["em", "ph", "external_id"] as const) {
      const wanted = hashes[key];
      if (wanted !== undefined && values(userData[key]).includes(wanted)) by.push(key);
    }
  }
  return by;
}

export async function gatherDataRequest(
  deps: { database: Database; between(): Promise<void>; now(): number },
  job: MaintenanceJob,
): Promise<Record<string, number>> {
  const requests = createDataRequests(deps.database);
  const id = typeof job.args.dataRequestId === "number" ? job.args.dataRequestId : -1;
  const request = await requests.get(id);
  if (!request) return { events: 0 };
  const orders = new Set(request.ordersRequested);
  const events: HeldEvent[] = [];
  let truncated = false;
  let cursor: DeliveryCursor | null = null;
  for (;;) {
    const rows: Row[] = await readShopDeliveriesOldestFirst(deps.database, request.shop, cursor, SCAN_CHUNK);
    for (const row of rows) {
      const by = matches(row, orders, request.matchHashes);
      if (by.length === 0) continue;
      if (events.length < MAX_REPORTED_EVENTS) events.push(describe(row, by));
      else truncated = true;
    }
    const last = rows.at(-1);
    if (!last || rows.length < SCAN_CHUNK) break;
    cursor = { createdAt: Number(last.created_at), id: Number(last.id) };
    await deps.between();
  }
  const report: DataRequestReport = {
    events,
    truncated,
    note:
      "Tandem stores no raw email, phone, name or address: match keys are SHA-256 hashes as Meta requires. An event may also hold " +
      "the buyer's IP address and browser user agent (named in plainKeysHeld), which are sent to Meta unhashed. Hashed payloads are " +
      "deleted 8 days after the event; the delivery record (order, status, dates) after the retention period.",
  };
  await requests.complete(request.id, report, deps.now());
  return { events: events.length };
}
