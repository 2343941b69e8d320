import { z } from "zod";

import type { FunnelEventName } from "../tracking/funnel-events";
import { DEFAULT_PURCHASE_SETTINGS, type PurchaseSettings } from "../tracking/purchase-settings";
import { storedPurchaseSettingsSchema } from "../tracking/purchase-settings-schema";

// The stored settings are the tracking core's PurchaseSettings; the JSON is validated on read so unknown
// or missing keys fall back to the core's defaults instead of leaking into the mapper.
// funnelEvents (the collector's per-event switch, issue 16) is kept with them but is no Purchase rule: present
// only once a merchant has set it; readers take `enabledFunnelEvents` (funnel-events.ts) for the default.
export type StoredPurchaseSettings = Required<PurchaseSettings> & { funnelEvents?: readonly FunnelEventName[] };
export const DEFAULT_STORED_PURCHASE_SETTINGS: StoredPurchaseSettings = DEFAULT_PURCHASE_SETTINGS;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Reads the settings column; anything unreadable falls back to the default for that key. */
export function readStoredSettings(text: string): StoredPurchaseSettings {
  const parsed = storedPurchaseSettingsSchema.safeParse(parseJson(text));
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
