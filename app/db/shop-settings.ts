import { z } from "zod";

import { CONTENT_ID_FORMATS } from "../tracking/content-id";
import { FUNNEL_EVENT_NAMES, type FunnelEventName } from "../tracking/funnel-events";
import { DEFAULT_PURCHASE_SETTINGS, type PurchaseSettings } from "../tracking/purchase-settings";

// The stored settings are the tracking core's PurchaseSettings; the JSON is validated on read so unknown
// or missing keys fall back to the core's defaults instead of leaking into the mapper.
// funnelEvents (the collector's per-event switch, issue 16) is kept with them but is no Purchase rule: present
// only once a merchant has set it; readers take `enabledFunnelEvents` (funnel-events.ts) for the default.
export type StoredPurchaseSettings = Required<PurchaseSettings> & { funnelEvents?: readonly FunnelEventName[] };
export const DEFAULT_STORED_PURCHASE_SETTINGS: StoredPurchaseSettings = DEFAULT_PURCHASE_SETTINGS;

const storedSettingsSchema = z.object({
  valueSource: z.enum(["presentment", "shop"]).optional(),
  includeShipping: z.boolean().optional(),
  includeTax: z.boolean().optional(),
  unknownConsent: z.enum(["send", "skip"]).optional(),
  noShopperOrders: z.enum(["purchase", "recurring_event", "skip"]).optional(),
  sendOn: z.enum(["paid", "created"]).optional(),
  veryLatePayments: z.enum(["payment_time", "skip"]).optional(),
  contentId: z.enum(CONTENT_ID_FORMATS).optional(),
  catalogCountry: z.string().regex(/^([A-Z]{2})?$/).optional(),
  funnelEvents: z.array(z.enum(FUNNEL_EVENT_NAMES)).optional(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Reads the settings column; anything unreadable falls back to the default for that key. */
export function readStoredSettings(text: string): StoredPurchaseSettings {
  const parsed = storedSettingsSchema.safeParse(parseJson(text));
  const stored = parsed.success ? parsed.data : {};
  return { ...DEFAULT_STORED_PURCHASE_SETTINGS, ...stripUndefined(stored) };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function readPixelIds(text: string): string[] {
  const parsed = z.array(z.string()).safeParse(parseJson(text));
  return parsed.success ? parsed.data : [];
}
