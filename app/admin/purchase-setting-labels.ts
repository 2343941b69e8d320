// What the settings page calls each choice of the purchase settings, in the order it lists them. Typed by the
// one list of choices (app/tracking/purchase-settings.ts, content-id.ts): a new choice does not compile until
// it has words here, and a label cannot name a choice that does not exist. No zod: the page's browser bundle
// imports this.
import { CONTENT_ID_FORMATS, type ContentIdFormat } from "../tracking/content-id";
import { PURCHASE_SETTING_CHOICES, type PurchaseSettingChoice } from "../tracking/purchase-settings";

type ChoiceSetting = keyof typeof PURCHASE_SETTING_CHOICES;
export type SelectOption = { label: string; value: string };

const LABELS: {
  [K in ChoiceSetting]: Record<PurchaseSettingChoice<K>, string>;
} & { contentId: Record<ContentIdFormat, string> } = {
  valueSource: {
    presentment: "Presentment currency (what the buyer paid in)",
    shop: "Shop currency",
  },
  unknownConsent: {
    send: "Send (no consent banner, or consent not collected)",
    skip: "Do not send",
  },
  noShopperOrders: {
    recurring_event: "Send as RecurringPurchase, a separate event (default)",
    purchase: "Send as Purchase",
    skip: "Do not send",
  },
  sendOn: {
    paid: "When the order is paid (default)",
    created: "When the order is placed (cash on delivery)",
  },
  veryLatePayments: {
    payment_time: "Send with the payment time (default)",
    skip: "Do not send",
  },
  contentId: {
    variant: "Variant ID (default)",
    product: "Product ID, sent as a product group",
    sku: "SKU",
    shopify: "Shopify sales-channel style: shopify_<country>_<product>_<variant>",
  },
};

/** The options of one setting's select, in the order of its choices. */
export function settingOptions(setting: ChoiceSetting | "contentId"): SelectOption[] {
  const labels: Record<string, string> = LABELS[setting];
  const values: readonly string[] = setting === "contentId" ? CONTENT_ID_FORMATS : PURCHASE_SETTING_CHOICES[setting];
  return values.map((value) => ({ label: labels[value] ?? value, value }));
}
