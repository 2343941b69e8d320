import { z } from "zod";
import { shopifyIdDigits, orderIdDigits } from "../tracking/ids";

// orders/cancelled and refunds/create payloads (REST shapes, as webhooks deliver them) reduced to what
// Tandem records about them (decision 0024): which order, when, why, how much money went back. Nothing else
// is read, so none of the customer data those payloads carry is kept. Pure: no I/O, no clock.

export const ADJUSTMENT_KIND = { cancelled: "cancelled", refunded: "refunded" } as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KIND)[keyof typeof ADJUSTMENT_KIND];

/** An order is cancelled once: its cancellation's key. A refund's key is its Shopify refund id. */
export const CANCELLATION_SOURCE_ID = "cancelled";

export type OrderAdjustmentInput = {
  kind: AdjustmentKind;
  orderId: string;
  orderName: string | null;
  sourceId: string;
  /** Decimal text ("20.00"); refunds only, null when no refund transaction succeeded or currencies differ. */
  amount: string | null;
  currency: string | null;
  /** Shopify's cancel_reason; null for refunds. */
  reason: string | null;
  /** Milliseconds. */
  occurredAt: number;
};

export type ParsedAdjustment = { ok: true; adjustment: OrderAdjustmentInput } | { ok: false; reason: string; orderId: string | null };

const Id = z.union([z.number(), z.string()]);
const Text = z.string().nullish().catch(null);

const CancelledOrder = z.object({
  id: Id.nullish(),
  name: Text,
  cancelled_at: Text,
  cancel_reason: Text,
});

const RefundTransaction = z.object({ kind: Text, status: Text, amount: z.union([z.string(), z.number()]).nullish().catch(null), currency: Text });
const Refund = z.object({
  id: Id.nullish(),
  order_id: Id.nullish(),
  created_at: Text,
  processed_at: Text,
  transactions: z.array(z.unknown()).nullish().catch(null),
});

const REASON = /^[a-z_]{1,32}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MONEY = /^\d{1,15}(?:\.\d{1,6})?$/;

function timeMs(value: string | null | undefined, fallbackMs: number): number {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : fallbackMs;
}

function orderName(value: string | null | undefined): string | null {
  const name = value?.trim() ?? "";
  return name.length > 0 && name.length <= 64 ? name : null;
}

/** orders/cancelled: the order's id, name, cancel_reason and cancelled_at (the webhook's arrival if absent). */
export function parseCancellation(payload: unknown, nowMs: number): ParsedAdjustment {
  const parsed = CancelledOrder.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "not an order object", orderId: null };
  const orderId = orderIdDigits(parsed.data.id);
  if (orderId === null) return { ok: false, reason: "no order id", orderId: null };
  const reason = parsed.data.cancel_reason?.trim().toLowerCase() ?? "";
  return {
    ok: true,
    adjustment: {
      kind: ADJUSTMENT_KIND.cancelled,
      orderId,
      orderName: orderName(parsed.data.name),
      sourceId: CANCELLATION_SOURCE_ID,
      amount: null,
      currency: null,
      reason: REASON.test(reason) ? reason : null,
      occurredAt: timeMs(parsed.data.cancelled_at, nowMs),
    },
  };
}

/** refunds/create: the refund's order and id, when it was processed, and the money its refund transactions returned. */
export function parseRefund(payload: unknown, nowMs: number): ParsedAdjustment {
  const parsed = Refund.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "not a refund object", orderId: null };
  const orderId = orderIdDigits(parsed.data.order_id);
  if (orderId === null) return { ok: false, reason: "no order id", orderId: null };
  const refundId = shopifyIdDigits(parsed.data.id, ["Refund"]);
  if (refundId === null) return { ok: false, reason: "no refund id", orderId };
  const money = refundedMoney(parsed.data.transactions ?? []);
  return {
    ok: true,
    adjustment: {
      kind: ADJUSTMENT_KIND.refunded,
      orderId,
      orderName: null,
      sourceId: refundId,
      ...money,
      reason: null,
      occurredAt: timeMs(parsed.data.processed_at ?? parsed.data.created_at, nowMs),
    },
  };
}

/**
 * The sum of the refund's transactions of kind `refund` that succeeded, in their currency, exactly (decimal
 * text, no floating point). Pending or failed transactions returned nothing yet; a refund without money (a
 * restock only) has none. Transactions in two currencies do not add up: the amount is left out then.
 */
export function refundedMoney(transactions: readonly unknown[]): { amount: string | null; currency: string | null } {
  const parts: { text: string; currency: string }[] = [];
  for (const item of transactions) {
    const parsed = RefundTransaction.safeParse(item);
    if (!parsed.success || parsed.data.kind !== "refund" || parsed.data.status !== "success") continue;
    const text = typeof parsed.data.amount === "number" ? String(parsed.data.amount) : (parsed.data.amount ?? "").trim();
    const currency = (parsed.data.currency ?? "").trim().toUpperCase();
    if (!MONEY.test(text) || !CURRENCY.test(currency)) continue;
    parts.push({ text, currency });
  }
  const currencies = new Set(parts.map((part) => part.currency));
  if (parts.length === 0 || currencies.size !== 1) return { amount: null, currency: null };
  return { amount: sumDecimals(parts.map((part) => part.text)), currency: [...currencies][0] ?? null };
}

/** Adds non-negative decimal strings exactly; the result has as many decimals as the longest input ("2000" yen stay whole). */
export function sumDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((value) => value.split(".")[1]?.length ?? 0));
  let total = BigInt(0);
  for (const value of values) {
    const [whole = "0", fraction = ""] = value.split(".");
    total += BigInt(whole + fraction.padEnd(scale, "0"));
  }
  const digits = total.toString().padStart(scale + 1, "0");
  if (scale === 0) return digits;
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
