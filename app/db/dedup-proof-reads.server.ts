import { sql } from "kysely";
import type { Database } from "./connection.server";

// Health's dedup proof (decision 0029): per paid order, did its browser Purchase reach Tandem, and under which
// id. order_events holds one claim per order (decision 0015); for an order a browser was at it also holds the
// checkout token and the browser's id as known when the order's id was fixed (migration 0012). A report that
// came later is still in browser_purchase_ids, so the verdict reads both: the stored id first, else the ledger.
//
// The shares speak of the server's Purchase having reached Meta, so a web order is a browser order only once
// that is true. Its Purchase rows (one per pixel) decide, by the best of them:
// - any row sent: a browser order — one pixel's send is enough for Meta to have the order;
// - else any row on its way (pending, retrying): `serverWaiting`, apart from the shares, because Meta does not
//   have the server's Purchase yet; it joins them once sent;
// - else any row held (no pixel set up yet) or needing attention (Meta refused the shop's or a pixel's settings):
//   `serverWaiting` too, and of those `serverWaitingForSetup`, because only the merchant can move them on;
// - else any row dead (Meta refused it for good, or retries ran out): `serverFailed`, apart from the shares and
//   listed, because the server's Purchase did not reach Meta and Activity can send it again;
// - else every row skipped (no consent, a test order, tracking off, cancelled before sending): `notSent`;
// - no rows at all: a browser order, as before these rules. Rows and claims are written together, and retention
//   deletes only finished rows (sent, skipped, dead), so a claim without rows is not one that is still waiting.

export type DedupProofCounts = {
  /** Paid orders (Purchase claims) in the period. */
  paidOrders: number;
  /** Orders a browser was at (web checkout, shopper present) with a Purchase row sent to Meta: the ones whose pairing the shares show. */
  browserOrders: number;
  /** Orders a browser was at whose server Purchase is not at Meta yet (no row sent; one pending, retrying, held or needing attention). */
  serverWaiting: number;
  /** Of `serverWaiting`, those with no row pending or retrying: held for a pixel not set up, or paused until the merchant fixes what Meta refused. */
  serverWaitingForSetup: number;
  /** Orders a browser was at whose Purchase rows were all skipped on purpose (consent, test order, cancelled before sending): not sent to Meta. */
  notSent: number;
  /** Orders a browser was at whose server Purchase failed for good (dead rows, none sent or waiting): Meta did not get it from the server. */
  serverFailed: number;
  /** Of `serverFailed`, those whose browser Purchase did not reach Tandem either. */
  serverFailedNoBrowser: number;
  /** The browser's Purchase reached Tandem under the server's id: Meta counts the pair once. */
  sameId: number;
  /** The browser's Purchase reached Tandem under another id (it came after the server's was sent, or the id was another order's). */
  differentId: number;
  /** No browser Purchase reached Tandem: an ad blocker, no consent, or a closed tab. Counted by the server alone. */
  serverOnly: number;
};

/** An order Health lists by name, with a link into the Shopify admin. */
export type ListedOrder = { orderId: string; orderName: string | null; createdAt: number };

export type DedupProof = DedupProofCounts & {
  /** The latest server-only orders, newest first. */
  recentServerOnly: ListedOrder[];
  /** The latest orders whose server Purchase failed for good, newest first: Activity can send them again. */
  recentServerFailed: ListedOrder[];
};

type Input = { shop: string; startMs: number; endMs: number; listLimit: number };

/** The best of an order's Purchase rows, as a rank: what the order's place in the proof follows. */
const FATE = { allSkipped: 1, dead: 2, waitingForSetup: 3, onItsWay: 4, sent: 5 } as const;

// One correlated probe per claim on deliveries_shop_order_idx (shop, order_id), reading the order's rows (one per
// pixel). A status not named here is one that has not finished, so it ranks as on its way, never as sent.
const fateOfOrder = sql<number | null>`(select max(case when d.status = 'sent' then ${sql.lit(FATE.sent)}
    when d.status in ('held', 'needs_attention') then ${sql.lit(FATE.waitingForSetup)}
    when d.status = 'dead' then ${sql.lit(FATE.dead)}
    when d.status = 'skipped' then ${sql.lit(FATE.allSkipped)}
    else ${sql.lit(FATE.onItsWay)} end)
  from deliveries d where d.shop = oe.shop and d.order_id = oe.order_id and d.event_name = oe.event_name)`;

function claims(database: Pick<Database, "db">, input: Input) {
  return database.db
    .selectFrom("order_events as oe")
    .leftJoin("browser_purchase_ids as b", (join) => join.onRef("b.shop", "=", "oe.shop").onRef("b.checkout_token", "=", "oe.checkout_token"))
    .where("oe.shop", "=", input.shop)
    .where("oe.event_name", "=", "Purchase")
    .where("oe.created_at", ">=", input.startMs)
    .where("oe.created_at", "<", input.endMs);
}

// The browser's id: the one stored with the claim, else the ledger's through the checkout token.
const browserIdOfClaim = sql<string | null>`coalesce(oe.browser_event_id, b.event_id)`;
// Sent, or no rows at all (see the rules above): the order's server Purchase counts as at Meta.
const isSent = (fate: ReturnType<typeof sql>) => sql`coalesce(${fate}, ${sql.lit(FATE.sent)}) = ${sql.lit(FATE.sent)}`;

const count = (condition: ReturnType<typeof sql>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;
const web = sql`c.checkout_token is not null`;
const browserOrder = sql`${web} and ${isSent(sql`c.fate`)}`;
const serverWaiting = sql`${web} and c.fate in (${sql.lit(FATE.waitingForSetup)}, ${sql.lit(FATE.onItsWay)})`;
const serverFailed = sql`${web} and c.fate = ${sql.lit(FATE.dead)}`;

/**
 * The period's counts in one pass over its claims. The claims (with each order's fate) are a MATERIALIZED CTE:
 * as a plain subquery SQLite would flatten it and run the correlated probe once per sum that reads the fate.
 */
export function dedupProofTotalsQuery(database: Pick<Database, "db">, input: Input) {
  return database.db
    .with(
      (cte) => cte("c").materialized(),
      () =>
        claims(database, input).select([
          "oe.event_id as event_id",
          "oe.checkout_token as checkout_token",
          browserIdOfClaim.as("browser_id"),
          fateOfOrder.as("fate"),
        ]),
    )
    .selectFrom("c")
    .select([
      sql<number>`count(*)`.as("paid"),
      count(browserOrder).as("browser_orders"),
      count(serverWaiting).as("server_waiting"),
      count(sql`${web} and c.fate = ${sql.lit(FATE.waitingForSetup)}`).as("server_waiting_for_setup"),
      count(sql`${web} and c.fate = ${sql.lit(FATE.allSkipped)}`).as("not_sent"),
      count(serverFailed).as("server_failed"),
      count(sql`${serverFailed} and c.browser_id is null`).as("server_failed_no_browser"),
      count(sql`${browserOrder} and c.browser_id = c.event_id`).as("same_id"),
      count(sql`${browserOrder} and c.browser_id <> c.event_id`).as("different_id"),
      count(sql`${browserOrder} and c.browser_id is null`).as("server_only"),
    ]);
}

/** The latest claims of one kind, newest first; the probe runs only for the web orders the walk reaches. */
async function latest(database: Pick<Database, "db">, input: Input, kind: "server_only" | "server_failed"): Promise<ListedOrder[]> {
  const webOrder = sql`oe.checkout_token is not null`;
  const condition =
    kind === "server_only"
      ? sql<boolean>`${webOrder} and ${browserIdOfClaim} is null and ${isSent(fateOfOrder)}`
      : sql<boolean>`${webOrder} and ${fateOfOrder} = ${sql.lit(FATE.dead)}`;
  const rows = await claims(database, input)
    .select([
      "oe.order_id as orderId",
      "oe.created_at as createdAt",
      // The order's name is on its rows (one per pixel); the claim does not carry it.
      sql<string | null>`(select max(d.order_name) from deliveries d where d.shop = oe.shop and d.order_id = oe.order_id and d.event_name = oe.event_name)`.as("orderName"),
    ])
    .where(condition)
    .orderBy("oe.created_at", "desc")
    .orderBy("oe.order_id", "desc")
    .limit(input.listLimit)
    .execute();
  return rows.map((row) => ({ orderId: row.orderId, orderName: row.orderName ?? null, createdAt: Number(row.createdAt) }));
}

export async function readDedupProof(database: Pick<Database, "db">, input: Input): Promise<DedupProof> {
  const [totals, recentServerOnly, recentServerFailed] = await Promise.all([
    dedupProofTotalsQuery(database, input).executeTakeFirst(),
    latest(database, input, "server_only"),
    latest(database, input, "server_failed"),
  ]);
  return {
    paidOrders: Number(totals?.paid ?? 0),
    browserOrders: Number(totals?.browser_orders ?? 0),
    serverWaiting: Number(totals?.server_waiting ?? 0),
    serverWaitingForSetup: Number(totals?.server_waiting_for_setup ?? 0),
    notSent: Number(totals?.not_sent ?? 0),
    serverFailed: Number(totals?.server_failed ?? 0),
    serverFailedNoBrowser: Number(totals?.server_failed_no_browser ?? 0),
    sameId: Number(totals?.same_id ?? 0),
    differentId: Number(totals?.different_id ?? 0),
    serverOnly: Number(totals?.server_only ?? 0),
    recentServerOnly,
    recentServerFailed,
  };
}
