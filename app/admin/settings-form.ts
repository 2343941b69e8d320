import { z } from "zod";
import { parseAlertEmail } from "../alerts/alert-email";
import type { ShopConfigPatch } from "../db/shops.server";
import { CONTENT_ID_FORMATS } from "../tracking/content-id";
import { isPixelId, PIXEL_ID_MAX_DIGITS, PIXEL_ID_MIN_DIGITS } from "../tracking/pixel-id";
import { PURCHASE_SETTING_CHOICES } from "../tracking/purchase-settings";
import { CATALOG_COUNTRY_SETTING } from "../tracking/purchase-settings-schema";
import { FUNNEL_EVENT_NAMES, type FunnelEventName } from "../tracking/funnel-events";

// The settings form, validated at the edge. Errors are keyed by field name so the page can show each one
// under its own input. Kept free of I/O so it runs in tests without a request.

export const SETTINGS_FIELD = {
  pixelIds: "pixelIds",
  accessToken: "accessToken",
  testEventCode: "testEventCode",
  valueSource: "valueSource",
  unknownConsent: "unknownConsent",
  noShopperOrders: "noShopperOrders",
  sendOn: "sendOn",
  veryLatePayments: "veryLatePayments",
  contentId: "contentId",
  catalogCountry: "catalogCountry",
  alertEmail: "alertEmail",
} as const;
export type SettingsField = (typeof SETTINGS_FIELD)[keyof typeof SETTINGS_FIELD];
export type FieldErrors = Partial<Record<SettingsField, string>>;

export type SettingsValidation = { ok: true; patch: ShopConfigPatch } | { ok: false; errors: FieldErrors };

const PIXEL_ID_MESSAGE = `Each pixel (dataset) ID is ${PIXEL_ID_MIN_DIGITS} to ${PIXEL_ID_MAX_DIGITS} digits, as shown in Events Manager.`;
// Meta's codes look like TEST12345; accept any short token-like string so a new format is not rejected.
export const TEST_EVENT_CODE = /^[A-Za-z0-9_-]{1,64}$/;

function splitIds(raw: string): string[] {
  return raw
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

const FormSchema = z.object({
  pixelIds: z
    .string()
    .transform(splitIds)
    .pipe(
      z
        .array(z.string().refine(isPixelId, { message: PIXEL_ID_MESSAGE }))
        .min(1, { message: "Enter at least one Meta pixel (dataset) ID." })
        .max(10, { message: "At most 10 pixels." }),
    ),
  accessToken: z
    .string()
    .trim()
    .refine((value) => value === "" || (value.length >= 8 && !/\s/.test(value)), {
      message: "Paste the whole access token from Events Manager (no spaces).",
    }),
  testEventCode: z
    .string()
    .trim()
    .refine((value) => value === "" || TEST_EVENT_CODE.test(value), {
      message: "A test event code is letters and digits, like TEST12345.",
    }),
  valueSource: z.enum(PURCHASE_SETTING_CHOICES.valueSource, { message: "Choose which currency the value is reported in." }),
  unknownConsent: z.enum(PURCHASE_SETTING_CHOICES.unknownConsent, { message: "Choose what happens when consent is unknown." }),
  // Order-kind policies (decision 0015): a form without them keeps what is stored.
  noShopperOrders: z.enum(PURCHASE_SETTING_CHOICES.noShopperOrders, { message: "Choose what happens to orders with no shopper present." }).optional(),
  sendOn: z.enum(PURCHASE_SETTING_CHOICES.sendOn, { message: "Choose when a purchase is sent." }).optional(),
  veryLatePayments: z.enum(PURCHASE_SETTING_CHOICES.veryLatePayments, { message: "Choose what happens to very late payments." }).optional(),
  // Catalog content id (decision 0018): a form without it keeps what is stored.
  contentId: z.enum(CONTENT_ID_FORMATS, { message: "Choose which id names a product in your catalog." }).optional(),
  catalogCountry: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => CATALOG_COUNTRY_SETTING.test(value), { message: "A two-letter country code, like US or DE." }),
});

function optionalText(form: FormData, name: string): string | undefined {
  const value = text(form, name);
  return value === "" ? undefined : value;
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * Checkboxes follow HTML: a checked box is present in the form, an unchecked one is absent.
 * `hasStoredToken`: a blank token field keeps the stored one (the field is write-only); without a stored
 * token the field is required.
 */
export function validateSettingsForm(form: FormData, hasStoredToken: boolean): SettingsValidation {
  const parsed = FormSchema.safeParse({
    pixelIds: text(form, "pixelIds"),
    accessToken: text(form, "accessToken"),
    testEventCode: text(form, "testEventCode"),
    valueSource: text(form, "valueSource"),
    unknownConsent: text(form, "unknownConsent"),
    noShopperOrders: optionalText(form, "noShopperOrders"),
    sendOn: optionalText(form, "sendOn"),
    veryLatePayments: optionalText(form, "veryLatePayments"),
    contentId: optionalText(form, "contentId"),
    catalogCountry: text(form, "catalogCountry"),
  });
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = Object.values(SETTINGS_FIELD).find((name) => name === issue.path[0]);
      if (field !== undefined && errors[field] === undefined) errors[field] = issue.message;
    }
  }
  if (!hasStoredToken && text(form, "accessToken").trim() === "" && errors.accessToken === undefined) {
    errors.accessToken = "Paste a Conversions API access token: server events cannot be sent without one.";
  }
  // Alerts' address (decision 0023's alerts): a form without the field keeps what is stored; blank means the
  // shop owner's email.
  const alertEmail = form.has("alertEmail") ? parseAlertEmail(text(form, "alertEmail")) : null;
  if (alertEmail !== null && !alertEmail.ok) errors.alertEmail = alertEmail.message;
  if (parsed.success && parsed.data.contentId === "shopify" && parsed.data.catalogCountry === "") {
    errors.catalogCountry = "Enter the country code your catalog's ids carry, e.g. US for shopify_US_… ids.";
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const funnelEvents = funnelEventsOf(form);

  const data = parsed.data;
  return {
    ok: true,
    patch: {
      pixelIds: data.pixelIds,
      ...(data.accessToken !== "" && { accessToken: data.accessToken }),
      // The settings page has no test code field (the test card carries its own, decision 0022): a form
      // without one keeps what is stored.
      ...(form.has("testEventCode") && { testEventCode: data.testEventCode === "" ? null : data.testEventCode }),
      ...(alertEmail?.ok === true && { alertEmail: alertEmail.email }),
      settings: {
        valueSource: data.valueSource,
        includeShipping: form.has("includeShipping"),
        includeTax: form.has("includeTax"),
        unknownConsent: data.unknownConsent,
        ...(data.noShopperOrders !== undefined && { noShopperOrders: data.noShopperOrders }),
        ...(data.sendOn !== undefined && { sendOn: data.sendOn }),
        ...(data.veryLatePayments !== undefined && { veryLatePayments: data.veryLatePayments }),
        ...(data.contentId !== undefined && {
          contentId: data.contentId,
          catalogCountry: data.contentId === "shopify" ? data.catalogCountry : "",
        }),
        ...(funnelEvents !== undefined && { funnelEvents }),
      },
      enabled: form.has("enabled"),
    },
  };
}

/** The hidden marker that says the form carries the shopper-event switches (their checkboxes are absent when off). */
export const FUNNEL_EVENTS_FIELD = "funnelEventsShown";
export const funnelEventField = (name: FunnelEventName) => `funnelEvent.${name}`;

/** The shopper events switched on, or undefined for a form without the switches (it keeps what is stored). */
function funnelEventsOf(form: FormData): FunnelEventName[] | undefined {
  if (!form.has(FUNNEL_EVENTS_FIELD)) return undefined;
  return FUNNEL_EVENT_NAMES.filter((name) => form.has(funnelEventField(name)));
}
