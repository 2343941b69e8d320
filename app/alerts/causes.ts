// What an alert email can be about (docs/decisions/0021). Pure: the check gathers the facts, these decide.
import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";


/** A day is "well below" when fewer than this share of Shopify's paid orders are accounted for… */
export const LOW_DAY_SHARE = 0.8;
/** …and Shopify counted at least this many, so that one or two missing orders of a quiet day say nothing. */
export const LOW_DAY_MIN_ORDERS = 10;
/** Yesterday is judged from this hour of today (shop time): late webhooks and retries have had time to land. */
export const LOW_DAY_CHECK_FROM_HOUR = 3;

export const DELIVERIES_LOW = "deliveries_low";

export type PauseCause =
  | { kind: "shop_paused"; key: "shop_paused"; reason: string; pausedAt: number; waiting: number; oldestWaitingMs: number | null }
  | { kind: "pixel_paused"; key: string; pixelId: string; reason: string; pausedAt: number; oldestWaitingMs: number | null };

export type LowDayCause = {
  kind: typeof DELIVERIES_LOW;
  key: typeof DELIVERIES_LOW;
  /** YYYY-MM-DD in the shop's time zone. */
  day: string;
  dayEndMs: number;
  shopifyOrders: number;
  received: number;
  delivered: number;
  skipped: number;
};

export type AlertCause = PauseCause | LowDayCause;

export function pixelPausedKey(pixelId: string): string {
  return `pixel_paused:${pixelId}`;
}

/** Delivered + skipped on purpose, against Shopify's count of paid orders for a completed day. */
export function isDayLow(shopifyOrders: number, accountedFor: number): boolean {
  return shopifyOrders >= LOW_DAY_MIN_ORDERS && accountedFor < LOW_DAY_SHARE * shopifyOrders;
}

/** Until when the oldest waiting purchase can still be sent (it waits since the pause when none is older). */
export function pauseDeadline(cause: PauseCause): number {
  return (cause.oldestWaitingMs ?? cause.pausedAt) + META_EVENT_WINDOW_MS;
}
