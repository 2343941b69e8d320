// The purchase settings as stored JSON and as posted by the settings form, validated against the one list of
// choices in purchase-settings.ts. Server-only (zod): the Web Pixel reads its few settings without it.
import { z } from "zod";
import { CONTENT_ID_FORMATS } from "./content-id";
import { FUNNEL_EVENT_NAMES } from "./funnel-events";
import { PURCHASE_SETTING_CHOICES } from "./purchase-settings";

/** A catalog country as stored: two uppercase letters, or "" when the content-id format needs none. */
export const CATALOG_COUNTRY_SETTING = /^([A-Z]{2})?$/;

/** Every stored key is optional: settings saved before a key existed read it as its default. */
export const storedPurchaseSettingsSchema = z.object({
  valueSource: z.enum(PURCHASE_SETTING_CHOICES.valueSource).optional(),
  includeShipping: z.boolean().optional(),
  includeTax: z.boolean().optional(),
  unknownConsent: z.enum(PURCHASE_SETTING_CHOICES.unknownConsent).optional(),
  noShopperOrders: z.enum(PURCHASE_SETTING_CHOICES.noShopperOrders).optional(),
  sendOn: z.enum(PURCHASE_SETTING_CHOICES.sendOn).optional(),
  veryLatePayments: z.enum(PURCHASE_SETTING_CHOICES.veryLatePayments).optional(),
  contentId: z.enum(CONTENT_ID_FORMATS).optional(),
  catalogCountry: z.string().regex(CATALOG_COUNTRY_SETTING).optional(),
  funnelEvents: z.array(z.enum(FUNNEL_EVENT_NAMES)).optional(),
});
