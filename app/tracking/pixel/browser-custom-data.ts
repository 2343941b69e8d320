// Shopify customer-event data → Meta custom_data for the browser path. Purchase value, currency and
// contents follow the same rules as the server (order-value.ts) so both twins describe one order alike.
import { shopifyIdDigits } from "../ids";
import { arrayAt, field, numberAt, stringAt } from "./read-shape";

export type BrowserContent = { id: string; quantity: number; item_price?: number };

export type BrowserCustomData = {
  value?: number;
  currency?: string;
  contents?: BrowserContent[];
  content_ids?: string[];
  content_type?: "product";
  content_name?: string;
  num_items?: number;
  search_string?: string;
  order_id?: string;
};

/** The part of the server's PurchaseSettings the browser can honour: the checkout has presentment money only. */
export type BrowserValueSettings = { includeShipping: boolean; includeTax: boolean };

export const DEFAULT_BROWSER_VALUE_SETTINGS: BrowserValueSettings = { includeShipping: true, includeTax: true };

// A /tr request is a GET: cap the contents so a huge cart cannot push the URL past common limits.
const MAX_CONTENTS = 30;

function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}

function currencyOf(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** Same id preference as the server: variant digits, else product digits, else SKU. */
function contentIdOf(variant: unknown): string | null {
  return (
    // `||` rather than `??`: none of these is "" (or it means absent), and `??` grows the CLI's ES2015 bundle.
    shopifyIdDigits(field(variant, "id"), ["ProductVariant"]) ||
    shopifyIdDigits(field(variant, "product", "id"), ["Product"]) ||
    String(stringAt(variant, "sku") || "").trim() ||
    null
  );
}

function contentOf(variant: unknown, rawQuantity: unknown): BrowserContent | null {
  const id = contentIdOf(variant);
  const quantity = typeof rawQuantity === "number" && Number.isInteger(rawQuantity) && rawQuantity > 0 ? rawQuantity : null;
  if (id === null || quantity === null) return null;
  const price = numberAt(variant, "price", "amount");
  return price === null ? { id, quantity } : { id, quantity, item_price: roundMoney(price) };
}

function withContents(contents: BrowserContent[]): BrowserCustomData {
  const capped = contents.slice(0, MAX_CONTENTS);
  return {
    contents: capped,
    content_ids: capped.map((content) => content.id),
    content_type: "product",
    num_items: contents.reduce((sum, content) => sum + content.quantity, 0),
  };
}

/** checkout_started, payment_info_submitted and checkout_completed all carry `data.checkout`. */
export function customDataFromCheckout(
  checkout: unknown,
  settings: BrowserValueSettings = DEFAULT_BROWSER_VALUE_SETTINGS,
): BrowserCustomData {
  const contents: BrowserContent[] = [];
  for (const line of arrayAt(checkout, "lineItems")) {
    const content = contentOf(field(line, "variant"), field(line, "quantity"));
    if (content !== null) contents.push(content);
  }
  const data = withContents(contents);
  const total = numberAt(checkout, "totalPrice", "amount");
  const currency = currencyOf(field(checkout, "totalPrice", "currencyCode")) || currencyOf(field(checkout, "currencyCode"));
  if (total !== null && currency !== null) {
    const shipping = settings.includeShipping ? 0 : (numberAt(checkout, "shippingLine", "price", "amount") || 0);
    const tax = settings.includeTax ? 0 : (numberAt(checkout, "totalTax", "amount") || 0);
    data.value = Math.max(0, roundMoney(total - shipping - tax));
    data.currency = currency;
  }
  const orderId = shopifyIdDigits(field(checkout, "order", "id"), ["Order", "OrderIdentity"]);
  if (orderId !== null) data.order_id = orderId;
  return data;
}

/** product_viewed: `data.productVariant`. */
export function customDataFromVariant(variant: unknown): BrowserCustomData {
  const content = contentOf(variant, 1);
  const data = content === null ? {} : withContents([content]);
  const price = numberAt(variant, "price", "amount");
  const currency = currencyOf(field(variant, "price", "currencyCode"));
  if (price !== null && currency !== null) Object.assign(data, { value: roundMoney(price), currency });
  const name = stringAt(variant, "product", "title");
  if (name !== null) data.content_name = name;
  delete data.num_items;
  return data;
}

/** product_added_to_cart: `data.cartLine` with `merchandise` (a variant) and `cost.totalAmount`. */
export function customDataFromCartLine(cartLine: unknown): BrowserCustomData {
  const content = contentOf(field(cartLine, "merchandise"), field(cartLine, "quantity"));
  const data = content === null ? {} : withContents([content]);
  const total = numberAt(cartLine, "cost", "totalAmount", "amount");
  const currency = currencyOf(field(cartLine, "cost", "totalAmount", "currencyCode"));
  if (total !== null && currency !== null) Object.assign(data, { value: roundMoney(total), currency });
  return data;
}

/** search_submitted: `data.searchResult.query`. */
export function customDataFromSearch(searchResult: unknown): BrowserCustomData {
  const query = stringAt(searchResult, "query");
  return query === null ? {} : { search_string: query.slice(0, 200) };
}
