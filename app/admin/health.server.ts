import { sql, type RawBuilder } from "kysely";
import type { AppContext } from "../context.server";
import { CHARTED_MATCH_KEYS, type ChartedMatchKey } from "./health-metrics";

export { CHARTED_MATCH_KEYS, percent, type ChartedMatchKey } from "./health-metrics";

// Daily health of a shop's purchase events, aggregated in SQL over the (shop, created_at) index. An order may
// have one row per pixel, so every measure counts DISTINCT orders. Days are UTC; the SQL is portable (integer
// division of integer ms, LIKE on the match-keys JSON) so it runs unchanged on SQLite and PostgreSQL.

type Deps = Pick<AppContext, "database">;

export const DAY_MS = 86_400_000;

export type HealthDay = {
  /** UTC midnight, ms. */
  dayStartMs: number;
  paidOrders: number;
  delivered: number;
  /** Orders whose event id came from the note attribute or checkout token: a browser twin was possible. */
  withBrowserTwin: number;
  /** Orders mapped to an event (not skipped): the denominator of match-key coverage. */
  mappedOrders: number;
  matchKeys: Record<ChartedMatchKey, number>;
  /** Orders whose event id belonged to another order: sent under their own id (decision 0015). */
  collisions: number;
  /** Test orders (test: true, Bogus gateway): recorded, never sent. */
  testOrders: number;
  /** Orders with no shopper present (subscription renewals, app-created orders). */
  noShopper: number;
  /** Orders paid more than 48 h after they were placed (no browser pairing), 7 days included. */
  latePayments: number;
};

export type HealthSummary = {
  days: HealthDay[];
  totals: Omit<HealthDay, "dayStartMs">;
};

const ORDER_KEY = sql`coalesce(order_id, event_id)`;

function distinctWhere(condition: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`count(distinct case when ${condition} then ${ORDER_KEY} end)`;
}

function emptyKeys(): Record<ChartedMatchKey, number> {
  return Object.fromEntries(CHARTED_MATCH_KEYS.map((key) => [key, 0])) as Record<ChartedMatchKey, number>;
}

export async function healthSummary(deps: Deps, shop: string, days: number, nowMs: number): Promise<HealthSummary> {
  const todayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const startMs = todayStart - (days - 1) * DAY_MS;
  // Literals, not parameters: the engine then does integer arithmetic on both sides (no float buckets).
  const dayIndex = sql<number>`cast((created_at - ${sql.lit(startMs)}) / ${sql.lit(DAY_MS)} as integer)`;
  const rows = await deps.database.db
    .selectFrom("deliveries")
    .select([
      dayIndex.as("day"),
      sql<number>`count(distinct ${ORDER_KEY})`.as("paid"),
      distinctWhere(sql`status = 'sent'`).as("delivered"),
      distinctWhere(sql`provenance in ('note_attribute', 'checkout_token')`).as("twin"),
      distinctWhere(sql`status <> 'skipped'`).as("mapped"),
      distinctWhere(sql`provenance = 'collision'`).as("collisions"),
      distinctWhere(sql`status = 'skipped' and status_reason = 'test_order'`).as("test_orders"),
      distinctWhere(sql`order_kind = 'no_shopper'`).as("no_shopper"),
      distinctWhere(sql`order_kind in ('late_payment', 'very_late_payment')`).as("late"),
      ...CHARTED_MATCH_KEYS.map((key) => distinctWhere(sql`status <> 'skipped' and match_keys like ${`%"${key}"%`}`).as(`k_${key}`)),
    ])
    .where("shop", "=", shop)
    // Orders with no shopper present may be sent as RecurringPurchase (decision 0015): still paid orders.
    .where("event_name", "in", ["Purchase", "RecurringPurchase"])
    .where("created_at", ">=", startMs)
    .where("created_at", "<", todayStart + DAY_MS)
    .groupBy(dayIndex)
    .execute();

  const byDay = new Map<number, Record<string, unknown>>(rows.map((row) => [Number(row.day), row as Record<string, unknown>]));
  const series: HealthDay[] = [];
  for (let index = 0; index < days; index += 1) {
    const row = byDay.get(index);
    const matchKeys = emptyKeys();
    for (const key of CHARTED_MATCH_KEYS) matchKeys[key] = Number(row?.[`k_${key}`] ?? 0);
    series.push({
      dayStartMs: startMs + index * DAY_MS,
      paidOrders: Number(row?.paid ?? 0),
      delivered: Number(row?.delivered ?? 0),
      withBrowserTwin: Number(row?.twin ?? 0),
      mappedOrders: Number(row?.mapped ?? 0),
      matchKeys,
      collisions: Number(row?.collisions ?? 0),
      testOrders: Number(row?.test_orders ?? 0),
      noShopper: Number(row?.no_shopper ?? 0),
      latePayments: Number(row?.late ?? 0),
    });
  }
  return { days: series, totals: sumDays(series) };
}

function sumDays(series: HealthDay[]): Omit<HealthDay, "dayStartMs"> {
  const totals = { paidOrders: 0, delivered: 0, withBrowserTwin: 0, mappedOrders: 0, matchKeys: emptyKeys(), collisions: 0, testOrders: 0, noShopper: 0, latePayments: 0 };
  for (const day of series) {
    totals.collisions += day.collisions;
    totals.testOrders += day.testOrders;
    totals.noShopper += day.noShopper;
    totals.latePayments += day.latePayments;
    totals.paidOrders += day.paidOrders;
    totals.delivered += day.delivered;
    totals.withBrowserTwin += day.withBrowserTwin;
    totals.mappedOrders += day.mappedOrders;
    for (const key of CHARTED_MATCH_KEYS) totals.matchKeys[key] += day.matchKeys[key];
  }
  return totals;
}
