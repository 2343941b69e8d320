// The catalog content id of one line, one rule for the pixel and the server (decision 0018). A catalog matches
// events to its items by id, so every id in one event has the catalog's format: a line without the id the
// setting asks for is left out of contents and content_ids rather than sent under another kind of id.
import { shopifyIdDigits } from "./ids";

/**
 * variant: the variant id (Shopify's own id for the thing sold; the default); product: the product id, sent as
 * content_type product_group; sku: the variant's SKU; shopify: `shopify_<CC>_<product>_<variant>`, the item id
 * Shopify's sales-channel feeds use, with the catalog's country code.
 */
export const CONTENT_ID_FORMATS = ["variant", "product", "sku", "shopify"] as const;
export type ContentIdFormat = (typeof CONTENT_ID_FORMATS)[number];

export type CatalogIdSettings = { contentId: ContentIdFormat; catalogCountry: string };

/** A line's ids as either side reads them: REST numbers on the server, digit strings or gids in the pixel. */
export type LineIds = { variantId: unknown; productId: unknown; sku: unknown };

export function isCatalogCountry(value: unknown): value is string {
  return typeof value === "string" && /^[A-Z]{2}$/.test(value);
}

export function catalogContentId(line: LineIds, settings: CatalogIdSettings): string | null {
  const variant = shopifyIdDigits(line.variantId, ["ProductVariant"]);
  const product = shopifyIdDigits(line.productId, ["Product"]);
  const format = settings.contentId;
  if (format === "product") return product;
  if (format === "sku") return typeof line.sku === "string" ? line.sku.trim() || null : null;
  if (format === "shopify") {
    return variant && product && isCatalogCountry(settings.catalogCountry)
      ? `shopify_${settings.catalogCountry}_${product}_${variant}`
      : null;
  }
  return variant;
}

/** Meta: `product_group` when the ids name product groups (Shopify products), else `product`. */
export function contentTypeFor(settings: CatalogIdSettings): "product" | "product_group" {
  return settings.contentId === "product" ? "product_group" : "product";
}
