import { sql } from "kysely";
import type { Database } from "./connection.server";

// Health's dedup proof (decision 0029): per paid order, did its browser Purchase reach Tandem, and under which
// id. order_events holds one claim per order (decision 0015); for an order a browser was at it also holds the
// checkout token and the browser's id as known when the order's id was fixed (migration 0012). A report that
// came later is still in browser_purchase_ids, so the verdict reads both: the stored id first, else the ledger.
// A web order whose Purchase rows were all skipped (no consent, a test order, tracking off, cancelled before
// sending) never reached Meta from either side and never will: it is counted apart as `notSent`, not as a
// browser order, so "server only" keeps meaning "Meta received the server's Purchase".

export type DedupProofCounts = {
  /** Paid orders (Purchase claims) in the period. */
  paidOrders: number;
  /** Orders a browser was at (web checkout, shopper present) whose Purchase was sent or is on its way: the ones that can have a browser twin. */
  browserOrders: number;
  /** Orders a browser was at whose Purchase rows were all skipped on purpose (consent, test order, cancelled before sending): not sent to Meta. */
  notSent: number;
  /** The browser's Purchase reached Tandem under the server's id: Meta counts the pair once. */
  sameId: number;
  /** The browser's Purchase reached Tandem under another id (it came after the server's was sent, or the id was another order's). */
  differentId: number;
  /** No browser Purchase reached Tandem: an ad blocker, no consent, or a closed tab. Counted by the server alone. */
  serverOnly: number;
};

export type ServerOnlyOrder = { orderId: string; orderName: string | null; createdAt: number };

export type DedupProof = DedupProofCounts & { recentServerOnly: ServerOnlyOrder[] };

const browserId = sql<string | null>`coalesce(oe.browser_event_id, b.event_id)`;
// Every Purchase row of the order skipped: one correlated probe each on deliveries_shop_order_idx (shop, order_id).
const orderRows = (extra: ReturnType<typeof sql>) =>
  sql`exists (select 1 from deliveries d where d.shop = oe.shop and d.order_id = oe.order_id and d.event_name = oe.event_name${extra})`;
const allSkipped = sql`(${orderRows(sql``)} and not ${orderRows(sql` and d.status <> 'skipped'`)})`;
const webOrder = sql`oe.checkout_token is not null`;
const sentWebOrder = sql`${webOrder} and not ${allSkipped}`;
const count = (condition: ReturnType<typeof sql>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

export async function readDedupProof(
  database: Pick<Database, "db">,
  input: { shop: string; startMs: number; endMs: number; listLimit: number },
): Promise<DedupProof> {
  const claims = database.db
    .selectFrom("order_events as oe")
    .leftJoin("browser_purchase_ids as b", (join) => join.onRef("b.shop", "=", "oe.shop").onRef("b.checkout_token", "=", "oe.checkout_token"))
    .where("oe.shop", "=", input.shop)
    .where("oe.event_name", "=", "Purchase")
    .where("oe.created_at", ">=", input.startMs)
    .where("oe.created_at", "<", input.endMs);
  const [totals, recent] = await Promise.all([
    claims
      .select([
        sql<number>`count(*)`.as("paid"),
        count(sentWebOrder).as("browser_orders"),
        count(sql`${webOrder} and ${allSkipped}`).as("not_sent"),
        count(sql`${sentWebOrder} and ${browserId} = oe.event_id`).as("same_id"),
        count(sql`${sentWebOrder} and ${browserId} <> oe.event_id`).as("different_id"),
        count(sql`${sentWebOrder} and ${browserId} is null`).as("server_only"),
      ])
      .executeTakeFirst(),
    claims
      .select([
        "oe.order_id as orderId",
        "oe.created_at as createdAt",
        // The order's name is on its rows (one per pixel); the claim does not carry it.
        sql<string | null>`(select max(d.order_name) from deliveries d where d.shop = oe.shop and d.order_id = oe.order_id and d.event_name = oe.event_name)`.as("orderName"),
      ])
      .where(sql<boolean>`${sentWebOrder} and ${browserId} is null`)
      .orderBy("oe.created_at", "desc")
      .orderBy("oe.order_id", "desc")
      .limit(input.listLimit)
      .execute(),
  ]);
  return {
    paidOrders: Number(totals?.paid ?? 0),
    browserOrders: Number(totals?.browser_orders ?? 0),
    notSent: Number(totals?.not_sent ?? 0),
    sameId: Number(totals?.same_id ?? 0),
    differentId: Number(totals?.different_id ?? 0),
    serverOnly: Number(totals?.server_only ?? 0),
    recentServerOnly: recent.map((row) => ({ orderId: row.orderId, orderName: row.orderName ?? null, createdAt: Number(row.createdAt) })),
  };
}
