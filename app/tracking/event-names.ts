// Shopify standard customer events → Meta standard events (browser path). Events not listed are not sent.
export const SHOPIFY_TO_META_EVENT = {
  page_viewed: "PageView",
  product_viewed: "ViewContent",
  search_submitted: "Search",
  product_added_to_cart: "AddToCart",
  checkout_started: "InitiateCheckout",
  payment_info_submitted: "AddPaymentInfo",
  checkout_completed: "Purchase",
} as const;

export type ShopifyEventName = keyof typeof SHOPIFY_TO_META_EVENT;
export type MetaEventName = (typeof SHOPIFY_TO_META_EVENT)[ShopifyEventName];

export function metaEventNameFor(shopifyEventName: string): MetaEventName | null {
  return Object.hasOwn(SHOPIFY_TO_META_EVENT, shopifyEventName)
    ? SHOPIFY_TO_META_EVENT[shopifyEventName as ShopifyEventName]
    : null;
}
