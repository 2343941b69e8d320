import { isRecord, readGraphql } from "../admin/graphql-read.server";
import type { GraphqlFn } from "./graphql-fn";

// Shopify's own count of a shop's orders in a time range: the reference Tandem's deliveries are held against
// (alert emails now, Health later). Orders that Tandem is meant to send: real (not test) orders whose payment
// went through — paid, or paid and then partly or wholly refunded (the purchase happened).

const ORDERS_COUNT_QUERY = `#graphql
  query TandemOrdersCount($query: String!) {
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
  }`;

export type OrderCount =
  | { kind: "count"; count: number; exact: boolean }
  | { kind: "unavailable"; detail: string };

/** The search the count runs: created in [from, to), not a test, payment taken (docs/decisions/0021). */
export function paidOrdersSearch(fromMs: number, toMs: number): string {
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const paid = ["paid", "partially_paid", "partially_refunded", "refunded"].map((status) => `financial_status:${status}`).join(" OR ");
  return `created_at:>='${at(fromMs)}' created_at:<'${at(toMs)}' test:false (${paid})`;
}

export async function countPaidOrders(graphql: GraphqlFn, fromMs: number, toMs: number): Promise<OrderCount> {
  const read = await readGraphql(graphql, ORDERS_COUNT_QUERY, { query: paidOrdersSearch(fromMs, toMs) });
  if (read.kind !== "data") return { kind: "unavailable", detail: read.detail };
  const counted = read.data.ordersCount;
  if (!isRecord(counted) || typeof counted.count !== "number" || !Number.isInteger(counted.count) || counted.count < 0) {
    return { kind: "unavailable", detail: "ordersCount without a count" };
  }
  return { kind: "count", count: counted.count, exact: counted.precision === "EXACT" };
}
