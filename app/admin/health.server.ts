import type { Services } from "../services";
import { readOrderOutcomes } from "../db/health-reads.server";
import { readDedupProof, type DedupProof } from "../db/dedup-proof-reads.server";
import { createOrderAdjustments, type AdjustmentCounts } from "../db/order-adjustments.server";
import { CANCELLED_BEFORE_SENDING } from "../db/outbox-cancel.server";
import { CHARTED_MATCH_KEYS, type ChartedMatchKey } from "./health-metrics";
import { zonedDayBounds } from "./zoned-days";

export { CHARTED_MATCH_KEYS, percent, type ChartedMatchKey } from "./health-metrics";

// A shop's purchase events per day, in the shop's time zone, held against Shopify's own count of paid orders.
// Each order is counted once, by the best outcome of its rows (an order has one row per pixel): delivered,
// skipped on purpose (with the reason), on the way, needs attention, failed. "Accounted for" is delivered plus
// skipped on purpose; what Shopify counted but Tandem never received shows a broken webhook subscription.

type Deps = Pick<Services, "database">;

export const DAY_MS = 86_400_000;

/** Why orders were skipped on purpose, as stored (decision 0015), cancellations before sending (0024), and the shop's off switch. */
export const SKIP_REASONS = ["no_consent", "no_consent_unknown", "test_order", "no_shopper_not_sent", "paid_too_late", "cancelled_before_sending", "turned_off"] as const;
export type SkipReasonKey = (typeof SKIP_REASONS)[number];

export type HealthCounts = {
  /** Orders Tandem received (every kind, test orders included). */
  paidOrders: number;
  delivered: number;
  /** Orders skipped on purpose, by reason. */
  skipped: Record<SkipReasonKey, number>;
  /** Pending, retrying or waiting for setup. */
  onTheWay: number;
  needsAttention: number;
  failed: number;
  /** Orders whose event id came from the note attribute or checkout token: a browser twin was possible. */
  withBrowserTwin: number;
  /** Orders mapped to an event (not skipped): the denominator of match-key coverage. */
  mappedOrders: number;
  matchKeys: Record<ChartedMatchKey, number>;
  /** Orders whose event id belonged to another order: sent under their own id (decision 0015). */
  collisions: number;
  /** Test orders (test: true, Bogus gateway): recorded, never sent. Shopify's count leaves them out too. */
  testOrders: number;
  /** Orders with no shopper present (subscription renewals, app-created orders). */
  noShopper: number;
  /** Orders paid more than 48 h after they were placed (no browser pairing), 7 days included. */
  latePayments: number;
};

export type HealthDay = HealthCounts & { /** The day's start in the shop's time zone, ms. */ dayStartMs: number };

/** Shopify's count of paid, non-test orders in the period, or why it is unknown. */
export type ReferenceCount = { kind: "count"; count: number; exact: boolean } | { kind: "unavailable"; detail: string };

/** Asks Shopify how many paid orders were created in [fromMs, toMs) (app/shopify/order-count.server.ts). */
export type CountPaidOrders = (fromMs: number, toMs: number) => Promise<ReferenceCount>;

export type Reconciliation = {
  /** The reference: Shopify's count, else (when unavailable) the real orders Tandem received. */
  reference: number;
  source: "shopify" | "received";
  shopifyDetail: string | null;
  /** Real orders (not test orders) Tandem received. */
  received: number;
  /** Delivered plus skipped on purpose (test orders left out: Shopify does not count them). */
  accountedFor: number;
  /** Shopify counted them, Tandem never received them: a missing or broken webhook subscription. */
  notReceived: number;
};

export type HealthSummary = {
  startMs: number;
  endMs: number;
  days: HealthDay[];
  totals: HealthCounts;
  reconciliation: Reconciliation;
  /** Orders cancelled, and orders refunded, in the period (decision 0024): recorded, never sent to Meta. */
  adjustments: AdjustmentCounts;
  /** Per order, whether its browser Purchase reached Tandem under the server's id (decision 0029). */
  dedupProof: DedupProof;
};

/** How many orders of each listed kind (server only; server Purchase failed) Health lists by name; Activity has the rest. */
export const DEDUP_ORDERS_LISTED = 10;

function emptyCounts(): HealthCounts {
  return {
    paidOrders: 0,
    delivered: 0,
    skipped: Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReasonKey, number>,
    onTheWay: 0,
    needsAttention: 0,
    failed: 0,
    withBrowserTwin: 0,
    mappedOrders: 0,
    matchKeys: Object.fromEntries(CHARTED_MATCH_KEYS.map((key) => [key, 0])) as Record<ChartedMatchKey, number>,
    collisions: 0,
    testOrders: 0,
    noShopper: 0,
    latePayments: 0,
  };
}

function addTo(target: HealthCounts, source: HealthCounts): void {
  for (const key of ["paidOrders", "delivered", "onTheWay", "needsAttention", "failed", "withBrowserTwin", "mappedOrders", "collisions", "testOrders", "noShopper", "latePayments"] as const) {
    target[key] += source[key];
  }
  for (const reason of SKIP_REASONS) target.skipped[reason] += source.skipped[reason];
  for (const key of CHARTED_MATCH_KEYS) target.matchKeys[key] += source.matchKeys[key];
}

function skipReasonKey(reason: string | null): SkipReasonKey {
  if (reason === CANCELLED_BEFORE_SENDING) return "cancelled_before_sending";
  if (reason !== null && (SKIP_REASONS as readonly string[]).includes(reason)) return reason as SkipReasonKey;
  // The ingest's sentence for a shop with tracking off; any other skip is counted with it as "turned off".
  return "turned_off";
}

export function reconcile(totals: HealthCounts, shopify: ReferenceCount): Reconciliation {
  const received = totals.paidOrders - totals.testOrders;
  const accountedFor = totals.delivered + SKIP_REASONS.filter((reason) => reason !== "test_order").reduce((sum, reason) => sum + totals.skipped[reason], 0);
  if (shopify.kind === "count") {
    return { reference: shopify.count, source: "shopify", shopifyDetail: shopify.exact ? null : "Shopify's count is an estimate", received, accountedFor, notReceived: Math.max(0, shopify.count - received) };
  }
  return { reference: received, source: "received", shopifyDetail: shopify.detail, received, accountedFor, notReceived: 0 };
}

export async function healthSummary(deps: Deps, shop: string, days: number, nowMs: number, options: { timeZone?: string; countPaidOrders?: CountPaidOrders } = {}): Promise<HealthSummary> {
  const bounds = zonedDayBounds(nowMs, days, options.timeZone ?? "UTC");
  const startMs = bounds[0] ?? nowMs;
  const endMs = bounds.at(-1) ?? nowMs;
  const [outcomes, shopify, adjustments, dedupProof] = await Promise.all([
    readOrderOutcomes(deps.database, { shop, bounds, matchKeys: CHARTED_MATCH_KEYS }),
    options.countPaidOrders ? options.countPaidOrders(startMs, endMs) : Promise.resolve<ReferenceCount>({ kind: "unavailable", detail: "not asked" }),
    createOrderAdjustments(deps.database).countInPeriod(shop, startMs, endMs),
    readDedupProof(deps.database, { shop, startMs, endMs, listLimit: DEDUP_ORDERS_LISTED }),
  ]);
  const series: HealthDay[] = bounds.slice(0, -1).map((dayStartMs) => ({ ...emptyCounts(), dayStartMs }));
  for (const group of outcomes) {
    const day = series[group.day];
    if (day === undefined) continue;
    const n = group.orders;
    day.paidOrders += n;
    if (group.best === "sent") day.delivered += n;
    else if (group.best === "skipped") day.skipped[skipReasonKey(group.skipReason)] += n;
    else if (group.best === "on_the_way") day.onTheWay += n;
    else if (group.best === "needs_attention") day.needsAttention += n;
    else day.failed += n;
    if (group.best === "skipped" && group.skipReason === "test_order") day.testOrders += n;
    day.withBrowserTwin += group.twin;
    day.mappedOrders += group.mapped;
    day.collisions += group.collisions;
    day.noShopper += group.noShopper;
    day.latePayments += group.late;
    for (const key of CHARTED_MATCH_KEYS) day.matchKeys[key] += group.keys[key] ?? 0;
  }
  const totals = emptyCounts();
  for (const day of series) addTo(totals, day);
  return { startMs, endMs, days: series, totals, reconciliation: reconcile(totals, shopify), adjustments, dedupProof };
}
