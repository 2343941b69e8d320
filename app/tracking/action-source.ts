import { ACTION_SOURCE } from "./capi-types";
import type { ActionSource } from "./capi-types";

/**
 * Meta's action_source for a Shopify `source_name` (reference/meta-capi.md §2):
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
 * The page the purchase journey started on when Shopify knows it, on the storefront's own origin; otherwise
 * the storefront URL. A landing URL on another host is not trusted (Meta wants the verified domain).
 */
export function eventSourceUrl(landingSite: string | null | undefined, storefrontUrl: string): string {
  const landing = landingSite?.trim() ?? "";
  if (landing === "") return storefrontUrl;
  try {
    const base = new URL(storefrontUrl);
    if (landing.startsWith("/") && !landing.startsWith("//")) return new URL(landing, base.origin).toString();
    const absolute = new URL(landing);
    if ((absolute.protocol === "https:" || absolute.protocol === "http:") && absolute.host === base.host) {
      return absolute.toString();
    }
  } catch {
    // Unparseable storefront or landing URL: fall through to the storefront URL as given.
  }
  return storefrontUrl;
}
