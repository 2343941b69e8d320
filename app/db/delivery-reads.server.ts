import { sql } from "kysely";
import type { Database } from "./connection.server";
import { ALL_DELIVERY_STATUSES, type DeliveryStatus } from "./outbox-types";
import { ORDER_ROW } from "./funnel-predicates";
import { UNCONFIGURED_DESTINATION } from "../destinations/destination-key";

// Small reads of one shop's deliveries for the admin's pages, the redrive and /metrics. Each is one statement
// through an index led by (shop, status) or (status, …); none reads a shop's whole history.

type Reader = Pick<Database, "db">;

/** When Meta last accepted an event of the shop (Home's summary); null: never. */
export async function readLastSentAt(database: Reader, shop: string): Promise<number | null> {
  const row = await database.db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.max("sent_at").as("at"))
    .where("shop", "=", shop)
    .where("status", "=", "sent")
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/**
 * A shop's order rows (Purchase, RecurringPurchase: never the collector's funnel rows) by status, and when Meta
 * last accepted one: Home's figures are about purchases, which funnel rows would outnumber tens to one.
 */
export async function readOrderRowSummary(database: Reader, shop: string): Promise<{ counts: Record<DeliveryStatus, number>; lastSentAt: number | null }> {
  const rows = await database.db
    .selectFrom("deliveries")
    .select((eb) => ["status", eb.fn.countAll<number>().as("count"), eb.fn.max("sent_at").as("last")])
    .where("shop", "=", shop)
    .where(sql<boolean>`${ORDER_ROW}`)
    .groupBy("status")
    .execute();
  const counts = Object.fromEntries(ALL_DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  let lastSentAt: number | null = null;
  for (const row of rows) {
    const status = ALL_DELIVERY_STATUSES.find((candidate) => candidate === row.status);
    if (status !== undefined) counts[status] = Number(row.count);
    if (row.status === "sent" && row.last !== null && row.last !== undefined) lastSentAt = Number(row.last);
  }
  return { counts, lastSentAt };
}

/** The send time of any Purchase Meta accepted for the shop (the checklist's last step); null: none yet. */
export async function readAnyPurchaseSentAt(database: Reader, shop: string): Promise<number | null> {
  const row = await database.db
    .selectFrom("deliveries")
    .select("sent_at")
    .where("shop", "=", shop)
    .where("status", "=", "sent")
    .where("event_name", "=", "Purchase")
    .limit(1)
    .executeTakeFirst();
  return row?.sent_at === undefined || row.sent_at === null ? null : Number(row.sent_at);
}

/** `ordersOnly`: Purchase rows alone, not the collector's funnel rows (the pause banner speaks of purchases). */
export type WaitingScope = { shop: string; destination?: string; ordersOnly?: boolean };

/**
 * The shop's (or one pixel's) rows waiting as needs_attention: how many in all, how many are still inside
 * Meta's window (event_time ≥ `windowOpenFrom`, Unix seconds) and the oldest of those, and how many of those
 * have event times before `riskBefore` (seconds). The pause banner's deadline is made of these.
 */
export async function countWaiting(
  database: Reader,
  scope: WaitingScope,
  windowOpenFrom: number,
  riskBefore: (oldestSendable: number | null) => number,
): Promise<{ waiting: number; sendable: number; oldestSendable: number | null; atRisk: number }> {
  const base = () => {
    let query = database.db.selectFrom("deliveries").where("shop", "=", scope.shop).where("status", "=", "needs_attention");
    if (scope.ordersOnly === true) query = query.where(sql<boolean>`${ORDER_ROW}`);
    return scope.destination === undefined ? query : query.where("destination", "=", scope.destination);
  };
  const [all, sendable] = await Promise.all([
    base().select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    base()
      .where("event_time", ">=", windowOpenFrom)
      .select((eb) => [eb.fn.min<number>("event_time").as("oldest"), eb.fn.countAll<number>().as("n")])
      .executeTakeFirst(),
  ]);
  const oldest = sendable?.oldest === null || sendable?.oldest === undefined ? null : Number(sendable.oldest);
  const risky = await base()
    .where("event_time", ">=", windowOpenFrom)
    .where("event_time", "<", riskBefore(oldest))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return { waiting: Number(all?.n ?? 0), sendable: Number(sendable?.n ?? 0), oldestSendable: oldest, atRisk: Number(risky?.n ?? 0) };
}

/**
 * How many of the shop's dead or needs-attention rows a redrive would requeue (a payload, a pixel), counted up
 * to `cap` through the shop's status index, so a million-row shop costs `cap` index entries.
 */
export async function countRedrivable(database: Reader, shop: string, status: "dead" | "needs_attention", cap: number): Promise<number> {
  const counted = await database.db
    .selectFrom((eb) =>
      eb
        .selectFrom("deliveries")
        .select("id")
        .where("shop", "=", shop)
        .where("status", "=", status)
        .where("payload", "is not", null)
        .where("destination", "!=", UNCONFIGURED_DESTINATION)
        .limit(cap)
        .as("candidates"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(counted?.n ?? 0);
}

/**
 * One status's rows counted up to `cap` (/metrics' outbox depth, docs/decisions/0019): at most `cap` entries of
 * the (status, next_attempt_at) index, whatever the table's size.
 */
export function boundedStatusCountSql(status: DeliveryStatus, cap: number) {
  return sql<{ n: number | string }>`select count(*) as n from (select 1 from deliveries where status = ${status} limit ${cap}) as capped`;
}

export async function countStatusUpTo(database: Reader, status: DeliveryStatus, cap: number): Promise<number> {
  const { rows } = await boundedStatusCountSql(status, cap).execute(database.db);
  return Number(rows[0]?.n ?? 0);
}
