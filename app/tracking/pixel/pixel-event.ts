// One Shopify customer event → the /tr URLs the Web Pixel fetches (one per configured pixel id). Pure and
// Node-runnable: the extension's index.ts is a thin adapter, and the demo calls this without a browser.
import { TANDEM_ATTRIBUTE, readAttribute } from "../attributes";
import { metaEventNameFor } from "../event-names";
import { isValidFbc, isValidFbp } from "../fbp-fbc";
import { customDataFromCartLine, customDataFromCheckout, customDataFromSearch, customDataFromVariant } from "./browser-custom-data";
import type { BrowserCustomData } from "./browser-custom-data";
import type { BrowserUserData } from "./browser-user-data";
import { userDataFromCheckout } from "./browser-user-data";
import { DEFAULT_BROWSER_MAPPING_SETTINGS, parsePixelSettings, type BrowserMappingSettings } from "./pixel-settings";
import { decidePurchaseEventId } from "./purchase-id-ledger";
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
  /** The shop's value rules and catalog id choice, from the pixel's settings (pixel-settings.ts). */
  mapping?: BrowserMappingSettings;
  /**
   * checkout_completed only: the id the purchase ledger decided (purchase-id-ledger.ts), which also knows what
   * the checkout's earlier events carried. Without it the rule runs over this event alone.
   */
  purchaseEventId?: string | null;
};

/** Web Pixel settings hold `pixelIds`, a comma-separated list. Anything not a pixel id is ignored. */
export function parsePixelIds(settings: unknown): string[] {
  return parsePixelSettings(settings).pixelIds;
}

// `checkout` is `data.checkout`: checkout_started, payment_info_submitted and checkout_completed are the only
// mapped events that carry one.
function customDataFor(name: string, data: unknown, checkout: unknown, settings: BrowserMappingSettings): BrowserCustomData {
  switch (name) {
    case "product_viewed":
      return customDataFromVariant(field(data, "productVariant"), settings);
    case "product_added_to_cart":
      return customDataFromCartLine(field(data, "cartLine"), settings);
    case "search_submitted":
      return customDataFromSearch(field(data, "searchResult"));
    default:
      return checkout === undefined ? {} : customDataFromCheckout(checkout, settings);
  }
}

/** Cookies first (the latest values); the cart attributes the embed wrote when the cookie is unreadable. */
function browserIds(checkout: unknown, ctx: PixelContext): { fbp: string | null; fbc: string | null } {
  const attributes = field(checkout, "attributes");
  // `|| null`, not `?? null`: the CLI bundles for ES2015, where `??` expands (and "" is no id either).
  const fbp = [ctx.cookies.fbp, readAttribute(attributes, TANDEM_ATTRIBUTE.fbp)].find(isValidFbp) || null;
  const fbc = [ctx.cookies.fbc, readAttribute(attributes, TANDEM_ATTRIBUTE.fbc)].find(isValidFbc) || null;
  return { fbp, fbc };
}

export async function trUrlsForEvent(event: unknown, ctx: PixelContext): Promise<string[]> {
  const name = String(stringAt(event, "name"));
  const eventName = metaEventNameFor(name);
  const data = field(event, "data");
  const checkout = field(data, "checkout");
  // The Purchase twin is named by the server's rule (or the purchase ledger); every other event by its own id.
  const eventId =
    name === "checkout_completed" ? ctx.purchaseEventId || decidePurchaseEventId(checkout) : stringAt(event, "id");
  const timestampMs = Date.parse(String(stringAt(event, "timestamp")));
  if (eventName === null || eventId === null || !Number.isFinite(timestampMs)) return [];

  const customData = customDataFor(name, data, checkout, ctx.mapping || DEFAULT_BROWSER_MAPPING_SETTINGS);
  const userData: BrowserUserData = checkout === undefined ? {} : await userDataFromCheckout(checkout);
  const { fbp, fbc } = browserIds(checkout, ctx);
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
