// Per-shop choices for how a paid order becomes a Purchase (docs/decisions/0015, 0018). Browser-safe: the value
// rules and the content-id choice also reach the Web Pixel, as non-secret pixel settings (decision 0018).
import { DEFAULT_BROWSER_MAPPING_SETTINGS } from "./browser-mapping-settings";
import type { ContentIdFormat } from "./content-id";

/**
 * Every choice of each setting, named once: the stored JSON is validated against these
 * (purchase-settings-schema.ts), the settings page lists them in this order with its words for them
 * (app/admin/purchase-setting-labels.ts), and the types below come from them. Catalog ids: content-id.ts.
 */
export const PURCHASE_SETTING_CHOICES = {
  valueSource: ["presentment", "shop"],
  unknownConsent: ["send", "skip"],
  noShopperOrders: ["recurring_event", "purchase", "skip"],
  sendOn: ["paid", "created"],
  veryLatePayments: ["payment_time", "skip"],
} as const;
export type PurchaseSettingChoice<K extends keyof typeof PURCHASE_SETTING_CHOICES> = (typeof PURCHASE_SETTING_CHOICES)[K][number];

export type PurchaseSettings = {
  /** 'presentment' = the currency the buyer paid in; 'shop' = the shop's own currency. */
  valueSource: PurchaseSettingChoice<"valueSource">;
  includeShipping: boolean;
  includeTax: boolean;
  /** What to do when the consent snapshot does not say whether marketing is allowed. */
  unknownConsent: PurchaseSettingChoice<"unknownConsent">;
  /**
   * Orders with no shopper present (subscription renewals, app-created orders): sent as a Purchase, as the
   * separate custom event RecurringPurchase, or not at all (decision 0015).
   */
  noShopperOrders?: PurchaseSettingChoice<"noShopperOrders">;
  /** Which order webhook sends the event: orders/paid, or orders/create for cash-on-delivery shops. */
  sendOn?: PurchaseSettingChoice<"sendOn">;
  /** A payment later than Meta's 7-day window after the order was placed: sent at the payment time, or not. */
  veryLatePayments?: PurchaseSettingChoice<"veryLatePayments">;
  /** Which id names a line in contents and content_ids, on both sides (content-id.ts). */
  contentId?: ContentIdFormat;
  /** The catalog's country (ISO alpha-2, uppercase) for the `shopify` content-id format; "" when unused. */
  catalogCountry?: string;
};

// The order-kind settings are optional in the type (absent reads as the default below), so callers built before
// them keep compiling; the stored settings always carry all of them.
export const DEFAULT_PURCHASE_SETTINGS: Required<PurchaseSettings> = {
  valueSource: "presentment",
  includeShipping: DEFAULT_BROWSER_MAPPING_SETTINGS.includeShipping,
  includeTax: DEFAULT_BROWSER_MAPPING_SETTINGS.includeTax,
  unknownConsent: "send",
  noShopperOrders: "recurring_event",
  sendOn: "paid",
  veryLatePayments: "payment_time",
  contentId: DEFAULT_BROWSER_MAPPING_SETTINGS.contentId,
  catalogCountry: DEFAULT_BROWSER_MAPPING_SETTINGS.catalogCountry,
};
