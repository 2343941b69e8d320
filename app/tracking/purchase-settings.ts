// Per-shop choices for how a paid order becomes a Purchase (docs/decisions/0015, 0018). Browser-safe: the value
// rules and the content-id choice also reach the Web Pixel, as non-secret pixel settings (decision 0018).
import type { ContentIdFormat } from "./content-id";

export type PurchaseSettings = {
  /** 'presentment' = the currency the buyer paid in; 'shop' = the shop's own currency. */
  valueSource: "presentment" | "shop";
  includeShipping: boolean;
  includeTax: boolean;
  /** What to do when the consent snapshot does not say whether marketing is allowed. */
  unknownConsent: "send" | "skip";
  /**
   * Orders with no shopper present (subscription renewals, app-created orders): sent as a Purchase, as the
   * separate custom event RecurringPurchase, or not at all (decision 0015).
   */
  noShopperOrders?: "purchase" | "recurring_event" | "skip";
  /** Which order webhook sends the event: orders/paid, or orders/create for cash-on-delivery shops. */
  sendOn?: "paid" | "created";
  /** A payment later than Meta's 7-day window after the order was placed: sent at the payment time, or not. */
  veryLatePayments?: "payment_time" | "skip";
  /** Which id names a line in contents and content_ids, on both sides (content-id.ts). */
  contentId?: ContentIdFormat;
  /** The catalog's country (ISO alpha-2, uppercase) for the `shopify` content-id format; "" when unused. */
  catalogCountry?: string;
};

// The order-kind settings are optional in the type (absent reads as the default below), so callers built before
// them keep compiling; the stored settings always carry all of them.
export const DEFAULT_PURCHASE_SETTINGS: Required<PurchaseSettings> = {
  valueSource: "presentment",
  includeShipping: true,
  includeTax: true,
  unknownConsent: "send",
  noShopperOrders: "recurring_event",
  sendOn: "paid",
  veryLatePayments: "payment_time",
  contentId: "variant",
  catalogCountry: "",
};
