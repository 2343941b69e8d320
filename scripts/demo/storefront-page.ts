import { randomBytes } from "node:crypto";
import type { CaptureEnv } from "../../app/storefront-capture/capture-env";
import { createFakeCart } from "../../sim/fake-cart";
import type { ShopperPrivacy } from "./pixel-host";

// A storefront in memory for the REAL storefront capture (app/storefront-capture/run-capture.ts): cookies,
// storage and the fake Ajax cart, shared across page views, and Shopify's Customer Privacy API answering with
// the shopper's choice. The capture reads `*Allowed()` for the effective permission and
// `currentVisitorConsent()` to tell an explicit "no" from "not asked".

export type StorefrontPage = ReturnType<typeof createStorefrontPage>;

export function createStorefrontPage(shopHost: string, privacy: ShopperPrivacy) {
  const cookies = new Map<string, string>();
  const storage = new Map<string, string>();
  const cart = createFakeCart();
  const answer = (allowed: boolean) => (allowed ? "yes" : "no");
  const customerPrivacy = {
    marketingAllowed: () => privacy.marketingAllowed,
    analyticsProcessingAllowed: () => privacy.analyticsProcessingAllowed,
    saleOfDataAllowed: () => privacy.saleOfDataAllowed,
    userCanBeTracked: () => privacy.marketingAllowed,
    currentVisitorConsent: () => ({
      marketing: answer(privacy.marketingAllowed),
      analytics: answer(privacy.analyticsProcessingAllowed),
      sale_of_data: answer(privacy.saleOfDataAllowed),
    }),
  };
  function envFor(path: string): CaptureEnv {
    return {
      href: `https://${shopHost}${path}`,
      hostname: shopHost,
      routesRoot: "/",
      customerPrivacy,
      readCookie: (name) => cookies.get(name) ?? null,
      writeCookie: (name, value, _domain, maxAge) => (maxAge === 0 ? cookies.delete(name) : cookies.set(name, value)),
      storageGet: (key) => storage.get(key) ?? null,
      storageSet: (key, value) => void storage.set(key, value),
      async requestJson(method, requestPath, body) {
        if (method === "GET" && requestPath.endsWith("cart.js")) return cart.read().body;
        if (method === "POST" && requestPath.endsWith("cart/update.js")) return cart.update(body as Record<string, unknown>).body;
        return null;
      },
      randomBytes: (length) => new Uint8Array(randomBytes(length)),
      nowMs: () => Date.now(),
    };
  }
  // The shop origin's localStorage as the pixel sees it (browser.localStorage): the checkout runs on the shop's domain.
  return { cookies, cart, envFor, pixelStorage: new Map<string, string>() };
}
