// The shopper-journey events Tandem can also send from the server (issue 16): the browser's own event, with its
// event_id, reaches the collector and fans out to the shop's pixels. Purchase is not among them: orders/paid
// sends it. PageView is off unless the merchant turns it on (one per page: the most volume, the least signal).
export const FUNNEL_EVENT_NAMES = ["PageView", "ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"] as const;

export type FunnelEventName = (typeof FUNNEL_EVENT_NAMES)[number];

export const DEFAULT_FUNNEL_EVENTS: readonly FunnelEventName[] = ["ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"];

export function isFunnelEventName(value: unknown): value is FunnelEventName {
  return typeof value === "string" && (FUNNEL_EVENT_NAMES as readonly string[]).includes(value);
}

/** The events a shop sends from the server: what it chose, or the defaults while it has not chosen. */
export function enabledFunnelEvents(settings: { funnelEvents?: readonly FunnelEventName[] }): readonly FunnelEventName[] {
  return settings.funnelEvents ?? DEFAULT_FUNNEL_EVENTS;
}
