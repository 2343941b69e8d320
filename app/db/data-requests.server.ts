import type { Selectable } from "kysely";
import type { Database } from "./connection.server";
import type { DataRequestsTable } from "./schema";

// customers/data_request records (decision 0020): the request as Shopify sent it, minus raw contact details
// (the email and phone are kept only as the SHA-256 hashes the events carry), and once gathered, the report
// of what Tandem holds for that customer. Shown by `tandem data-requests:list` / `data-requests:show`.

export type MatchHashes = { em?: string; ph?: string; external_id?: string };

export type HeldEvent = {
  orderId: string | null;
  orderName: string | null;
  eventName: string;
  eventId: string;
  destination: string;
  status: string;
  createdAt: number;
  sentAt: number | null;
  /** Names of the match keys the event carried (em, ph, fbp, client_ip_address, …). */
  matchKeys: string[];
  /** The hashed values still held (null once retention purged the payload, 8 days after the event). */
  hashedKeys: Record<string, string[]> | null;
  /** Raw values held in the payload that are not hashed (Meta wants them plain): named, not copied here. */
  plainKeysHeld: string[];
  matchedBy: string[];
};

export type DataRequestReport = {
  events: HeldEvent[];
  /** More events matched than the report lists (it keeps the first MAX_REPORTED_EVENTS). */
  truncated: boolean;
  note: string;
};

export type DataRequestRecord = {
  id: number;
  shop: string;
  requestId: string | null;
  customerId: string | null;
  ordersRequested: string[];
  matchHashes: MatchHashes;
  status: "gathering" | "ready";
  report: DataRequestReport | null;
  createdAt: number;
  completedAt: number | null;
};

export type DataRequests = ReturnType<typeof createDataRequests>;

function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function createDataRequests(database: Database) {
  const { db } = database;

  async function create(input: {
    shop: string;
    requestId: string | null;
    customerId: string | null;
    ordersRequested: string[];
    matchHashes: MatchHashes;
    nowMs: number;
  }): Promise<number> {
    const row = await db
      .insertInto("data_requests")
      .values({
        shop: input.shop,
        request_id: input.requestId,
        customer_id: input.customerId,
        orders_requested: JSON.stringify(input.ordersRequested),
        match_hashes: JSON.stringify(input.matchHashes),
        status: "gathering",
        created_at: input.nowMs,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async function complete(id: number, report: DataRequestReport, nowMs: number): Promise<void> {
    await db.updateTable("data_requests").set({ status: "ready", report: JSON.stringify(report), completed_at: nowMs }).where("id", "=", id).execute();
  }

  function toRecord(row: Selectable<DataRequestsTable>): DataRequestRecord {
    return {
      id: Number(row.id),
      shop: row.shop,
      requestId: row.request_id,
      customerId: row.customer_id,
      ordersRequested: parse<string[]>(row.orders_requested, []),
      matchHashes: parse<MatchHashes>(row.match_hashes, {}),
      status: row.status === "ready" ? "ready" : "gathering",
      report: parse<DataRequestReport | null>(row.report, null),
      createdAt: Number(row.created_at),
      completedAt: row.completed_at === null ? null : Number(row.completed_at),
    };
  }

  async function get(id: number): Promise<DataRequestRecord | null> {
    const row = await db.selectFrom("data_requests").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Newest first, without the reports (show one for that). */
  async function list(opts: { shop?: string; limit?: number } = {}): Promise<Omit<DataRequestRecord, "report" | "matchHashes">[]> {
    let query = db.selectFrom("data_requests").selectAll().orderBy("id", "desc").limit(opts.limit ?? 50);
    if (opts.shop !== undefined) query = query.where("shop", "=", opts.shop);
    return (await query.execute()).map((row) => {
      const { report: _report, matchHashes: _hashes, ...rest } = toRecord(row);
      return rest;
    });
  }

  /** customers/redact: the customer's own data requests go with their orders. */
  async function deleteForCustomer(shop: string, customerId: string): Promise<number> {
    const result = await db.deleteFrom("data_requests").where("shop", "=", shop).where("customer_id", "=", customerId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Retention: requests (and their reports) created before the cutoff. */
  async function deleteOlderThan(cutoffMs: number): Promise<number> {
    const result = await db.deleteFrom("data_requests").where("created_at", "<", cutoffMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { create, complete, get, list, deleteForCustomer, deleteOlderThan };
}
