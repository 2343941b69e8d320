import { TANDEM_ATTRIBUTE, readAttribute } from "./attributes";
import { orderIdDigits } from "./ids";

// Where the purchase event id came from (docs/decisions/0011, 0015). The admin reports the share of each.
export const EVENT_ID_PROVENANCE = {
  noteAttribute: "note_attribute",
  checkoutToken: "checkout_token",
  orderId: "order_id",
  /** The order's own id, because the id it carried already belonged to another order (decision 0015). */
  collision: "collision",
} as const;

export type EventIdProvenance = (typeof EVENT_ID_PROVENANCE)[keyof typeof EVENT_ID_PROVENANCE];

export type PurchaseEventId = { eventId: string; provenance: EventIdProvenance };

// The embed mints ≥128 bits of URL-safe randomness: 22 base64url chars minimum. The upper bound keeps a
// value planted by another app from bloating every event.
const TANDEM_EVENT_ID = /^[A-Za-z0-9_-]{22,64}$/;

export function isWellFormedTandemEventId(value: unknown): value is string {
  return typeof value === "string" && TANDEM_EVENT_ID.test(value);
}

/**
 * The one rule both the pixel and the server apply to name a purchase (docs/decisions/0011):
 * note attribute → "ck_" + checkout token → "order_" + order id. Returns null only when none of the three
 * is usable (no browser or server twin can then be named consistently).
 */
export function purchaseEventId(
  attributes: unknown,
  checkoutToken: unknown,
  orderId?: unknown,
): PurchaseEventId | null {
  const fromAttribute = readAttribute(attributes, TANDEM_ATTRIBUTE.eventId);
  if (isWellFormedTandemEventId(fromAttribute)) {
    return { eventId: fromAttribute, provenance: EVENT_ID_PROVENANCE.noteAttribute };
  }
  if (typeof checkoutToken === "string" && checkoutToken.trim() !== "") {
    return { eventId: `ck_${checkoutToken.trim()}`, provenance: EVENT_ID_PROVENANCE.checkoutToken };
  }
  const digits = orderIdDigits(orderId);
  if (digits !== null) return { eventId: `order_${digits}`, provenance: EVENT_ID_PROVENANCE.orderId };
  return null;
}

/** An order's own event id, `order_<digits>`: the last rule above, and what a colliding id falls back to. */
export function orderOwnEventId(orderIdDigits: string): string {
  return `order_${orderIdDigits}`;
}
