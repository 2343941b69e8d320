// One Shopify customer event → the /tr URLs the Web Pixel fetches (one per configured pixel id). Pure and
// Node-runnable: the extension's index.ts is a thin adapter, and the demo calls this without a browser.
import { TANDEM_ATTRIBUTE, readAttribute } from "../attributes";
import { purchaseEventId } from "../event-id";
import { metaEventNameFor } from "../event-names";
import { isValidFbc, isValidFbp } from "../fbp-fbc";
import {
  DEFAULT_BROWSER_VALUE_SETTINGS,
  customDataFromCartLine,
  customDataFromCheckout,
  customDataFromSearch,
  customDataFromVariant,
} from "./browser-custom-data";
import type { BrowserCustomData, BrowserValueSettings } from "./browser-custom-data";
import type { BrowserUserData } from "./browser-user-data";
import { userDataFromCheckout } from "./browser-user-data";
import { field, stringAt } from "./read-shape";
import { buildTrUrl } from "./tr-url";

export type PixelContext = {
  pixelIds: readonly string[];
  /** `https://www.facebook.com/tr` in production; the Meta simulator in tests and the demo. */
  endpoint: string;
  /** `_fbp` / `_fbc` read from the storefront cookies (browser.cookie.get); null when absent. */
  cookies: { fbp: string | null; fbc: string | null };
  /** init.customerPrivacy.saleOfDataAllowed, updated on visitorConsentCollected. */
  saleOfDataAllowed: boolean | null | undefined;
  valueSettings?: BrowserValueSettings;
};

const PIXEL_ID = /^\d{5,20}$/;

/** Web Pixel settings hold `pixelIds`, a comma-separated list. Anything not a pixel id is ignored. */
export function parsePixelIds(settings: unknown): string[] {
  const raw = field(settings, "pixelIds");
  if (typeof raw !== "string") return [];
  const ids = raw.split(/[\s,]+/).filter((id) => PIXEL_ID.test(id));
  return [...new Set(ids)];
}

function customDataFor(name: string, data: unknown, settings: BrowserValueSettings): BrowserCustomData {
  switch (name) {
    case "product_viewed":
      return customDataFromVariant(field(data, "productVariant"));
    case "product_added_to_cart":
      return customDataFromCartLine(field(data, "cartLine"));
    case "search_submitted":
      return customDataFromSearch(field(data, "searchResult"));
    case "checkout_started":
    case "payment_info_submitted":
    case "checkout_completed":
      return customDataFromCheckout(field(data, "checkout"), settings);
    default:
      return {};
  }
}

/** The Purchase twin is named by the server's rule; every other event by its Shopify event id. */
function eventIdFor(name: string, event: unknown): string | null {
  if (name !== "checkout_completed") return stringAt(event, "id");
  const checkout = field(event, "data", "checkout");
  const id = purchaseEventId(field(checkout, "attributes"), field(checkout, "token"), field(checkout, "order", "id"));
  return id?.eventId ?? null;
}

/** Cookies first (the latest values); the cart attributes the embed wrote when the cookie is unreadable. */
function browserIds(event: unknown, ctx: PixelContext): { fbp: string | null; fbc: string | null } {
  const attributes = field(event, "data", "checkout", "attributes");
  const fbp = [ctx.cookies.fbp, readAttribute(attributes, TANDEM_ATTRIBUTE.fbp)].find(isValidFbp) ?? null;
  const fbc = [ctx.cookies.fbc, readAttribute(attributes, TANDEM_ATTRIBUTE.fbc)].find(isValidFbc) ?? null;
  return { fbp, fbc };
}

function timestampMsOf(event: unknown): number | null {
  const parsed = Date.parse(stringAt(event, "timestamp") ?? "");
  return Number.isFinite(parsed) ? parsed : null;
}

export async function trUrlsForEvent(event: unknown, ctx: PixelContext): Promise<string[]> {
  const name = stringAt(event, "name") ?? "";
  const eventName = metaEventNameFor(name);
  const eventId = eventIdFor(name, event);
  const timestampMs = timestampMsOf(event);
  if (eventName === null || eventId === null || timestampMs === null || ctx.pixelIds.length === 0) return [];

  const data = field(event, "data");
  const customData = customDataFor(name, data, ctx.valueSettings ?? DEFAULT_BROWSER_VALUE_SETTINGS);
  const checkout = field(data, "checkout");
  const userData: BrowserUserData = checkout === undefined ? {} : await userDataFromCheckout(checkout);
  const { fbp, fbc } = browserIds(event, ctx);
  return ctx.pixelIds.map((pixelId) =>
    buildTrUrl(ctx.endpoint, {
      pixelId,
      eventName,
      eventId,
      pageUrl: stringAt(event, "context", "document", "location", "href"),
      referrer: stringAt(event, "context", "document", "referrer"),
      timestampMs,
      customData,
      userData,
      fbp,
      fbc,
      limitedDataUse: ctx.saleOfDataAllowed === false,
    }),
  );
}
