import { ACTION_SOURCE } from "./capi-types";
import type { ActionSource } from "./capi-types";

/**
 * Meta's action_source for a Shopify `source_name` (docs/meta-capi-facts.md, "Server event fields"):
 * - `web` (or none: the online store is the default channel) → website;
 * - `pos` → physical_store;
 * - `subscription_contract*` (recurring billing, no shopper present) → system_generated;
 * - `shopify_draft_order`, `iphone`, `android` (staff-created orders) → other;
 * - any other value is a sales channel's API id (headless storefronts, marketplaces): website when the order
 *   went through an online checkout (it has a checkout token), other otherwise.
 */
export function actionSourceFor(sourceName: string | null | undefined, hasCheckoutToken: boolean): ActionSource {
  const source = sourceName?.trim().toLowerCase() ?? "";
  if (source === "" || source === "web") return ACTION_SOURCE.website;
  if (source === "pos") return ACTION_SOURCE.physicalStore;
  if (source.startsWith("subscription_contract")) return ACTION_SOURCE.systemGenerated;
  if (source === "shopify_draft_order" || source === "iphone" || source === "android") return ACTION_SOURCE.other;
  return hasCheckoutToken ? ACTION_SOURCE.website : ACTION_SOURCE.other;
}

/**
 * True when no shopper was present when the order was placed (decision 0015): a subscription contract's
 * billing (source_name `subscription_contract…`) without a checkout, or an order another app created through
 * the API (a source_name of its own) with no checkout, no browser IP and no user agent. Staff-created
 * (draft, POS, mobile admin) orders are not counted here: a person placed them.
 */
export function hasNoShopper(order: {
  sourceName: string | null | undefined;
  hasCheckoutToken: boolean;
  browserIp: string | null | undefined;
  userAgent: string | null | undefined;
}): boolean {
  if (order.hasCheckoutToken) return false;
  const source = order.sourceName?.trim().toLowerCase() ?? "";
  if (source.startsWith("subscription_contract")) return true;
  if (STAFF_OR_WEB_SOURCES.has(source)) return false;
  return (order.browserIp?.trim() ?? "") === "" && (order.userAgent?.trim() ?? "") === "";
}

const STAFF_OR_WEB_SOURCES = new Set(["", "web", "pos", "shopify_draft_order", "iphone", "android"]);

/**
 * The page the purchase journey started on when Shopify knows it, on the storefront's own origin; otherwise
 * the storefront URL. A landing URL on another host is not trusted (Meta wants the verified domain). Query
 * and fragment are cut off: they can carry personal data (an email in a newsletter link, a discount code)
 * and Meta does not need them (decision 0016); the click id they may hold reaches Meta as fbc instead.
 */
export function eventSourceUrl(landingSite: string | null | undefined, storefrontUrl: string): string {
  const landing = landingSite?.trim() ?? "";
  try {
    const base = new URL(storefrontUrl);
    if (landing.startsWith("/") && !landing.startsWith("//")) return withoutQueryAndFragment(new URL(landing, base.origin));
    if (landing !== "") {
      const absolute = new URL(landing);
      if ((absolute.protocol === "https:" || absolute.protocol === "http:") && absolute.host === base.host) {
        return withoutQueryAndFragment(absolute);
      }
    }
  } catch {
    // Unparseable storefront or landing URL: fall through to the storefront URL.
  }
  // As given, up to any query or fragment.
  return storefrontUrl.split(/[?#]/, 1)[0] ?? storefrontUrl;
}

/** A page URL as Meta should see it: scheme, host, path; no query, no fragment. */
export function withoutQueryAndFragment(url: URL): string {
  const copy = new URL(url.toString());
  copy.search = "";
  copy.hash = "";
  return copy.toString();
}
