// Cart / note attribute keys shared by the storefront embed, the Web Pixel and the server (docs/CONTRACTS.md, "Cart
// attribute keys").
export const TANDEM_ATTRIBUTE = {
  eventId: "_tandem_event_id",
  fbp: "_tandem_fbp",
  fbc: "_tandem_fbc",
  consent: "_tandem_consent",
  clickIds: "_tandem_click_ids",
} as const;

export type TandemAttributeKey = (typeof TANDEM_ATTRIBUTE)[keyof typeof TANDEM_ATTRIBUTE];

/**
 * Reads one attribute from the shapes Shopify uses: `{key, value}[]` (pixel `checkout.attributes`),
 * `{name, value}[]` (webhook `note_attributes`), or a plain record. Anything else reads as absent.
 * Values are trimmed; a blank value counts as absent. The first entry wins (cart attributes are a map,
 * so duplicates only come from broken payloads).
 */
export function readAttribute(attributes: unknown, key: string): string | null {
  if (Array.isArray(attributes)) {
    for (const entry of attributes) {
      if (typeof entry !== "object" || entry === null) continue;
      const record = entry as Record<string, unknown>;
      const entryKey = typeof record.key === "string" ? record.key : record.name;
      if (entryKey === key) return cleanValue(record.value);
    }
    return null;
  }
  if (typeof attributes === "object" && attributes !== null) {
    return cleanValue((attributes as Record<string, unknown>)[key]);
  }
  return null;
}

function cleanValue(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}
