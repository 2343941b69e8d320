import type { FunnelEventName } from "../tracking/funnel-events";

// The shopper events in the merchant's words, one place for Settings' switches and Activity's event filter.
export const FUNNEL_EVENT_LABELS: Record<FunnelEventName, string> = {
  PageView: "Page views",
  ViewContent: "Product views",
  Search: "Searches",
  AddToCart: "Adds to cart",
  InitiateCheckout: "Checkouts started",
  AddPaymentInfo: "Payment info added",
};
