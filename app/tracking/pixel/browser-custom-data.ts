// Shopify customer-event data → Meta custom_data for the browser path. Purchase value, currency and
// contents follow the same rules as the server (order-value.ts, content-id.ts) so both twins describe one
// order alike. The checkout only knows the buyer's (presentment) money: decision 0018 says what that means
// for a shop that reports in its own currency.
import { catalogContentId, contentTypeFor } from "../content-id";
import { shopifyIdDigits } from "../ids";
import { currencyCode, roundMoney } from "../money";
import { DEFAULT_BROWSER_MAPPING_SETTINGS, type BrowserMappingSettings } from "./pixel-settings";
import { arrayAt, field, numberAt, stringAt } from "./read-shape";

export type BrowserContent = { id: string; quantity: number; item_price?: number };

export type BrowserCustomData = {
  value?: number;
  currency?: string;
  contents?: BrowserContent[];
  content_ids?: string[];
  content_type?: "product" | "product_group";
  content_name?: string;
  num_items?: number;
  search_string?: string;
  order_id?: string;
};

// A /tr request is a GET: past this many lines contents and content_ids are left out (a part of the list would
// differ from the server's), so a huge cart cannot push the URL past common limits.
export const MAX_BROWSER_CONTENTS = 30;

function contentOf(variant: unknown, rawQuantity: unknown, settings: BrowserMappingSettings): BrowserContent | null {
  const id = catalogContentId(
    { variantId: field(variant, "id"), productId: field(variant, "product", "id"), sku: field(variant, "sku") },
    settings,
  );
  const quantity = typeof rawQuantity === "number" && Number.isInteger(rawQuantity) && rawQuantity > 0 ? rawQuantity : null;
  if (id === null || quantity === null) return null;
  const price = numberAt(variant, "price", "amount");
  return price === null ? { id, quantity } : { id, quantity, item_price: roundMoney(price) };
}

function withContents(contents: BrowserContent[], settings: BrowserMappingSettings): BrowserCustomData {
  const data: BrowserCustomData = {
    content_type: contentTypeFor(settings),
    num_items: contents.reduce((sum, content) => sum + content.quantity, 0),
  };
  if (contents.length <= MAX_BROWSER_CONTENTS) {
    data.contents = contents;
    data.content_ids = contents.map((content) => content.id);
  }
  return data;
}

/** checkout_started, payment_info_submitted and checkout_completed all carry `data.checkout`. */
export function customDataFromCheckout(
  checkout: unknown,
  settings: BrowserMappingSettings = DEFAULT_BROWSER_MAPPING_SETTINGS,
): BrowserCustomData {
  const contents: BrowserContent[] = [];
  for (const line of arrayAt(checkout, "lineItems")) {
    const content = contentOf(field(line, "variant"), field(line, "quantity"), settings);
    if (content !== null) contents.push(content);
  }
  const data = withContents(contents, settings);
  const total = numberAt(checkout, "totalPrice", "amount");
  const currency = currencyCode(field(checkout, "totalPrice", "currencyCode")) || currencyCode(field(checkout, "currencyCode"));
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
export function customDataFromVariant(
  variant: unknown,
  settings: BrowserMappingSettings = DEFAULT_BROWSER_MAPPING_SETTINGS,
): BrowserCustomData {
  const content = contentOf(variant, 1, settings);
  const data = content === null ? {} : withContents([content], settings);
  const price = numberAt(variant, "price", "amount");
  const currency = currencyCode(field(variant, "price", "currencyCode"));
  if (price !== null && currency !== null) Object.assign(data, { value: roundMoney(price), currency });
  const name = stringAt(variant, "product", "title");
  if (name !== null) data.content_name = name;
  delete data.num_items;
  return data;
}

/** product_added_to_cart: `data.cartLine` with `merchandise` (a variant) and `cost.totalAmount`. */
export function customDataFromCartLine(
  cartLine: unknown,
  settings: BrowserMappingSettings = DEFAULT_BROWSER_MAPPING_SETTINGS,
): BrowserCustomData {
  const content = contentOf(field(cartLine, "merchandise"), field(cartLine, "quantity"), settings);
  const data = content === null ? {} : withContents([content], settings);
  const total = numberAt(cartLine, "cost", "totalAmount", "amount");
  const currency = currencyCode(field(cartLine, "cost", "totalAmount", "currencyCode"));
  if (total !== null && currency !== null) Object.assign(data, { value: roundMoney(total), currency });
  return data;
}

/** search_submitted: `data.searchResult.query`. */
export function customDataFromSearch(searchResult: unknown): BrowserCustomData {
  const query = stringAt(searchResult, "query");
  return query === null ? {} : { search_string: query.slice(0, 200) };
}
