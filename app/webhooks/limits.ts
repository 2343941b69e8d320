// Shopify's webhook payloads are far smaller; anything larger is refused before it is read whole.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;
