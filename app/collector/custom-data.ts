import { z } from "zod";

// cd[…] of a collector body (the pixel's custom_data, app/tracking/pixel/browser-custom-data.ts): strings as
// they are, numbers and lists JSON-encoded (tr-url.ts). Every key is checked for the type Meta wants; an
// unknown key or a wrong type makes the request malformed rather than reaching Meta as something else.

const content = z.object({ id: z.string().min(1).max(200), quantity: z.number().int().positive().max(100_000), item_price: z.number().finite().nonnegative().optional() }).strict();
const MAX_CONTENTS = 100;

const readers = {
  value: z.coerce.number().finite().nonnegative().max(1e12),
  currency: z.string().regex(/^[A-Z]{3}$/),
  contents: z.array(content).max(MAX_CONTENTS),
  content_ids: z.array(z.string().min(1).max(200)).max(MAX_CONTENTS),
  content_type: z.enum(["product", "product_group"]),
  content_name: z.string().max(500),
  num_items: z.coerce.number().int().nonnegative().max(1_000_000),
  search_string: z.string().max(500),
  order_id: z.string().regex(/^\d{1,30}$/),
} as const;

type Readers = typeof readers;
export type CollectedCustomData = { [K in keyof Readers]?: z.infer<Readers[K]> };

const JSON_ENCODED = new Set(["contents", "content_ids"]);
const NUMERIC = new Set(["value", "num_items"]);

// A search box is where shoppers paste an email or a phone number; neither may be stored or sent unhashed.
const LOOKS_PERSONAL = /@|\d[\d\s().-]{6,}\d/;

/** The custom data, or null when any key is unknown or malformed. */
export function parseCustomData(raw: ReadonlyMap<string, string>): CollectedCustomData | null {
  const data: Record<string, unknown> = {};
  for (const [key, text] of raw) {
    if (!Object.hasOwn(readers, key)) return null;
    let value: unknown = text;
    if (JSON_ENCODED.has(key)) {
      try {
        value = JSON.parse(text);
      } catch {
        return null;
      }
    } else if (NUMERIC.has(key) && text.trim() === "") {
      return null; // z.coerce would read "" as 0
    }
    const parsed = readers[key as keyof Readers].safeParse(value);
    if (!parsed.success) return null;
    data[key] = parsed.data;
  }
  if (typeof data.search_string === "string" && LOOKS_PERSONAL.test(data.search_string)) delete data.search_string;
  return data as CollectedCustomData;
}
