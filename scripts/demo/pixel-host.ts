import { webcrypto } from "node:crypto";
import { createContext, runInContext } from "node:vm";
import type { BrowserNetwork } from "./browser-network";
import type { WorkTracker } from "./work-tracker";

// The built Web Pixel bundle (scripts/build-pixel.ts, as Shopify's CLI builds it), hosted the way Shopify's
// strict sandbox hosts it: a global scope of its own (a vm context standing in for the Web Worker) where
// `shopify.extend("WebPixel::Render", …)` hands the extension its settings, `init`, `analytics`, and the
// async `browser.cookie` / `browser.localStorage`. Its only way out is the browser's network. One host is one
// page load: a new page is a new pixel on the same shop storage, as on a real storefront and checkout.

export type ShopperPrivacy = { marketingAllowed: boolean; analyticsProcessingAllowed: boolean; saleOfDataAllowed: boolean };

export type PixelPageOptions = {
  bundle: string;
  /** The pixel's settings, as the app writes them when it activates the pixel. */
  settings: Record<string, string>;
  shopDomain: string;
  privacy: ShopperPrivacy;
  /** The storefront's cookies (the embed sets _fbp and _fbc). */
  cookies: ReadonlyMap<string, string>;
  /** The shop origin's localStorage: it outlives page loads. */
  localStorage: Map<string, string>;
  network: BrowserNetwork;
  tracker: WorkTracker;
};

export type PixelPage = {
  /** Delivers one customer event as Shopify does, then waits until the pixel has finished with it. */
  emit(event: { name: string } & Record<string, unknown>): Promise<void>;
};

// Which events `all_standard_events` receives is decided by name (the Web Pixels API's standard events).
const STANDARD_EVENTS = new Set([
  "checkout_address_info_submitted", "checkout_completed", "checkout_contact_info_submitted", "checkout_shipping_info_submitted",
  "checkout_started", "collection_viewed", "page_viewed", "payment_info_submitted", "product_added_to_cart",
  "product_removed_from_cart", "product_viewed", "search_submitted", "cart_viewed", "alert_displayed", "ui_extension_errored",
]);

type Subscriber = (event: unknown) => void;

export function loadPixelPage(options: PixelPageOptions): PixelPage {
  const subscribers = new Map<string, Subscriber[]>();
  const storage = options.localStorage;
  const api = {
    settings: options.settings,
    init: { customerPrivacy: options.privacy, data: { shop: { myshopifyDomain: options.shopDomain } }, context: {} },
    analytics: {
      subscribe(name: string, callback: Subscriber) {
        subscribers.set(name, [...(subscribers.get(name) ?? []), callback]);
        return () => true;
      },
    },
    browser: {
      // Shopify's cookie API answers "" for a cookie that is not set.
      cookie: { get: async (name: string) => options.cookies.get(name) ?? "" },
      localStorage: {
        getItem: async (key: string) => storage.get(key) ?? null,
        setItem: async (key: string, value: string) => void storage.set(key, String(value)),
        removeItem: async (key: string) => void storage.delete(key),
      },
    },
    customerPrivacy: { subscribe: () => () => true },
  };
  const sandbox = createContext({
    shopify: {
      extend(point: string, extend: (extensionApi: typeof api) => void) {
        if (point !== "WebPixel::Render") throw new Error(`unexpected extension point ${point}`);
        extend(api);
      },
    },
    fetch: options.network.fetch,
    // Hashing is the one step of the pixel that leaves its own microtasks: tracked, so emit() knows when it is done.
    crypto: { subtle: { digest: (algorithm: string, data: BufferSource) => options.tracker.track(webcrypto.subtle.digest(algorithm, data)) } },
    TextEncoder,
    URL,
    URLSearchParams,
  });
  runInContext(options.bundle, sandbox, { filename: "web-pixel.js" });
  return {
    async emit(event) {
      const names = [event.name, "all_events", ...(STANDARD_EVENTS.has(event.name) ? ["all_standard_events"] : [])];
      for (const name of names) for (const callback of subscribers.get(name) ?? []) callback(event);
      await options.tracker.idle();
    },
  };
}
