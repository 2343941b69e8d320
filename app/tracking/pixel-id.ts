// The one rule for what a Meta pixel (dataset) id looks like, shared by the settings form, the CLI (which
// validates through the form) and the Web Pixel's settings parser. Browser-safe: the pixel bundles it.
//
// Meta documents the id only as the number shown for the dataset in Events Manager and used as the Graph API
// path segment of /{pixel_id}/events; it publishes no length. Ids issued so far are 15–16 digits
// (docs/meta-capi-facts.md, "Pixel (dataset) ids"). 6–20 digits accepts every real id with room on both sides,
// so a longer id Meta issues later still saves, while a typed-in word, order number or phone fragment does not.
export const PIXEL_ID_MIN_DIGITS = 6;
export const PIXEL_ID_MAX_DIGITS = 20;

/** The rule as a pattern (written out: the pixel's bundle has no room for building it); a test holds it to the bounds. */
export const PIXEL_ID = /^\d{6,20}$/;

export function isPixelId(value: string): boolean {
  return PIXEL_ID.test(value);
}
