// A recorded cancellation or refund as one line of Activity (decision 0024). Meta has no event for either:
// the line says so, and whether the order's Purchase stands or was never sent. Pure: the page's formatter
// supplies dates and money in the shop's time zone and the admin's locale.

export type ActivityAdjustment = {
  kind: "cancelled" | "refunded";
  /** Decimal text; refunds only, null when no refund transaction succeeded. */
  amount: string | null;
  currency: string | null;
  /** Shopify's cancel_reason code. */
  reason: string | null;
  occurredAt: number;
  /** The order's Purchase when it arrived: sent | stopped | unsent | none. */
  purchase: string;
};

type Format = { date(ms: number): string; money(value: number, currency: string): string };

const CANCEL_REASON: Record<string, string> = {
  customer: "the customer changed or cancelled the order",
  declined: "payment declined",
  fraud: "fraudulent order",
  inventory: "items unavailable",
  staff: "staff error",
  other: "other reason",
};

function meta(adjustment: ActivityAdjustment): string {
  const noEvent = adjustment.kind === "cancelled" ? "Meta has no cancellation event" : "Meta has no refund event";
  if (adjustment.purchase === "sent") return `${noEvent}; the Purchase stands`;
  if (adjustment.purchase === "stopped") return "its Purchase had not been sent and will not be";
  return noEvent;
}

export function adjustmentInWords(adjustment: ActivityAdjustment, format: Format): string {
  const day = format.date(adjustment.occurredAt);
  if (adjustment.kind === "cancelled") {
    const reason = adjustment.reason ? CANCEL_REASON[adjustment.reason] : undefined;
    return `Cancelled ${day}${reason ? ` (${reason})` : ""} — ${meta(adjustment)}`;
  }
  const amount = adjustment.amount === null ? Number.NaN : Number(adjustment.amount);
  const money = Number.isFinite(amount) && adjustment.currency ? format.money(amount, adjustment.currency) : "with no money returned yet";
  return `Refunded ${money} ${day} — ${meta(adjustment)}`;
}
