// The Web Pixel's settings: what the server writes (webPixelCreate/webPixelUpdate) and what the pixel reads,
// in one place so the two cannot drift. Every value is a string (the fields in
// extensions/web-pixel/shopify.extension.toml are single-line text) and none is a secret: anything in
// settings is readable by the storefront. The pixel reads them with safe defaults, so a pixel whose
// settings predate a field keeps working as before (decision 0018).
import type { ContentIdFormat } from "../content-id";
import { PIXEL_ID } from "../pixel-id";
import { DEFAULT_BROWSER_MAPPING_SETTINGS, type BrowserMappingSettings } from "../browser-mapping-settings";
import type { PurchaseSettings } from "../purchase-settings";
import { field } from "./read-shape";

// The defaults the server's settings take too, so a setting absent here reads as it does on the server.
export { DEFAULT_BROWSER_MAPPING_SETTINGS, type BrowserMappingSettings };

export type PixelSettings = { pixelIds: string[] } & BrowserMappingSettings;

/**
 * The settings JSON the server gives Shopify for the shop's pixel. Without a collector URL the field is left
 * out (not written empty), and the pixel then posts nothing to the collector.
 */
export function webPixelSettingsFor(pixelIds: readonly string[], settings: PurchaseSettings, collectorUrl?: string): Record<string, string> {
  const contentId = settings.contentId || DEFAULT_BROWSER_MAPPING_SETTINGS.contentId;
  const written: Record<string, string> = {
    pixelIds: pixelIds.join(","),
    includeShipping: String(settings.includeShipping),
    includeTax: String(settings.includeTax),
    // One field for the format and its country: `shopify_US`. No field is ever empty.
    contentId: contentId === "shopify" ? `shopify_${settings.catalogCountry || ""}` : contentId,
  };
  if (collectorUrl) written.collectorUrl = collectorUrl;
  return written;
}

/** Settings as Shopify hands them to the pixel; anything missing or malformed reads as the default. */
export function parsePixelSettings(raw: unknown): PixelSettings {
  const ids = String(field(raw, "pixelIds") || "").split(/[\s,]+/).filter((id) => PIXEL_ID.test(id));
  const format = String(field(raw, "contentId") || "");
  const shopify = /^shopify_([A-Z]{2})$/.exec(format);
  return {
    pixelIds: ids.filter((id, index) => ids.indexOf(id) === index),
    // Only an explicit "false" turns a part off: settings written before the field existed keep the default.
    includeShipping: field(raw, "includeShipping") !== "false",
    includeTax: field(raw, "includeTax") !== "false",
    contentId: shopify ? "shopify" : /^(product|sku)$/.test(format) ? (format as ContentIdFormat) : DEFAULT_BROWSER_MAPPING_SETTINGS.contentId,
    catalogCountry: shopify ? String(shopify[1]) : "",
  };
}

/**
 * Where the pixel posts each mapped event for the server (decision 0027); "" (settings written before the
 * field existed, or anything but an absolute http(s) URL) means no collector calls. Relative URLs are refused:
 * in the pixel's worker they would resolve against Shopify's script origin, not the shop or the app.
 */
export function parseCollectorUrl(raw: unknown): string {
  const url = String(field(raw, "collectorUrl") || "");
  return /^https?:\/\//.test(url) ? url : "";
}
