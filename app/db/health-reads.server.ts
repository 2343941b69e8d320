import { sql } from "kysely";
import type { Database } from "./connection.server";

// Health's one query: each order's best outcome over its rows (one row per pixel), then orders counted per
// day, outcome and skip reason. Days are given as boundaries (the shop's midnights in UTC ms, which daylight
// saving makes uneven), inlined as literals so both engines compare integers. Portable SQL: CASE, LIKE on the
// match-keys JSON, no engine-specific date functions.

export type OrderOutcome = "sent" | "skipped" | "on_the_way" | "needs_attention" | "failed";

export type OutcomeGroup = {
  day: number;
  best: OrderOutcome;
  skipReason: string | null;
  orders: number;
  twin: number;
  mapped: number;
  collisions: number;
  noShopper: number;
  late: number;
  keys: Record<string, number>;
};

const RANK_TO_OUTCOME: Record<number, OrderOutcome> = { 5: "sent", 4: "skipped", 3: "on_the_way", 2: "needs_attention", 1: "failed" };

const flag = (condition: ReturnType<typeof sql>) => sql<number>`max(case when ${condition} then 1 else 0 end)`;

export async function readOrderOutcomes(
  database: Pick<Database, "db">,
  input: { shop: string; bounds: number[]; matchKeys: readonly string[] },
): Promise<OutcomeGroup[]> {
  const { bounds } = input;
  if (bounds.length < 2) return [];
  const start = bounds[0] as number;
  const end = bounds.at(-1) as number;
  const orders = database.db
    .selectFrom("deliveries")
    .select([
      sql<number>`min(created_at)`.as("first_at"),
      sql<number>`max(case when status = 'sent' then 5 when status = 'skipped' then 4 when status in ('pending', 'retrying', 'held') then 3 when status = 'needs_attention' then 2 else 1 end)`.as("best"),
      sql<string | null>`max(case when status = 'skipped' then status_reason end)`.as("skip_reason"),
      flag(sql`provenance in ('note_attribute', 'checkout_token', 'browser_ledger')`).as("twin"),
      flag(sql`status <> 'skipped'`).as("mapped"),
      flag(sql`provenance = 'collision'`).as("collision"),
      flag(sql`order_kind = 'no_shopper'`).as("no_shopper"),
      flag(sql`order_kind in ('late_payment', 'very_late_payment')`).as("late"),
      ...input.matchKeys.map((key, index) => flag(sql`status <> 'skipped' and match_keys like ${`%"${key}"%`}`).as(`k${index}`)),
    ])
    .where("shop", "=", input.shop)
    // Orders with no shopper present may be sent as RecurringPurchase (decision 0015): still paid orders.
    .where("event_name", "in", ["Purchase", "RecurringPurchase"])
    .where("created_at", ">=", start)
    .where("created_at", "<", end)
    .groupBy(sql`coalesce(order_id, event_id)`)
    .as("o");
  const whens = bounds.slice(1, -1).map((bound, index) => sql`when first_at < ${sql.lit(bound)} then ${sql.lit(index)}`);
  const day = sql<number>`case ${sql.join(whens, sql` `)} else ${sql.lit(bounds.length - 2)} end`;
  const dayExpression = whens.length === 0 ? sql<number>`0` : day;
  const rows = await database.db
    .selectFrom(orders)
    .select([
      dayExpression.as("day"),
      "best",
      "skip_reason",
      sql<number>`count(*)`.as("orders"),
      sql<number>`sum(twin)`.as("twin"),
      sql<number>`sum(mapped)`.as("mapped"),
      sql<number>`sum(collision)`.as("collisions"),
      sql<number>`sum(no_shopper)`.as("no_shopper"),
      sql<number>`sum(late)`.as("late"),
      ...input.matchKeys.map((_, index) => sql<number>`sum(${sql.ref(`k${index}`)})`.as(`k${index}`)),
    ])
    .groupBy([dayExpression, "best", "skip_reason"])
    .execute();
  return rows.map((row) => {
    const record = row as Record<string, unknown>;
    return {
      day: Number(record.day),
      best: RANK_TO_OUTCOME[Number(record.best)] ?? "failed",
      skipReason: typeof record.skip_reason === "string" ? record.skip_reason : null,
      orders: Number(record.orders),
      twin: Number(record.twin),
      mapped: Number(record.mapped),
      collisions: Number(record.collisions),
      noShopper: Number(record.no_shopper),
      late: Number(record.late),
      keys: Object.fromEntries(input.matchKeys.map((key, index) => [key, Number(record[`k${index}`] ?? 0)])),
    };
  });
}
