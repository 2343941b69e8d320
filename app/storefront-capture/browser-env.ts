// The real page behind CaptureEnv. Every access is guarded: storage can throw (Safari private mode,
// blocked third-party contexts) and the Ajax Cart API exists only on Shopify-hosted themes.
import type { CaptureEnv } from "./capture-env";

type ShopifyGlobal = { routes?: { root?: unknown }; customerPrivacy?: unknown };

export function shopifyGlobal(): ShopifyGlobal {
  const shopify = (window as unknown as { Shopify?: unknown }).Shopify;
  return typeof shopify === "object" && shopify !== null ? (shopify as ShopifyGlobal) : {};
}

// Shopify's root always ends in "/" (docs/shopify-platform-facts.md, "The Ajax Cart API"); anything else falls
// back to "/", whose /cart.js is the same session's cart without the locale prefix.
function routesRoot(): string {
  const routes = shopifyGlobal().routes;
  const root = routes && routes.root;
  return typeof root === "string" && root.endsWith("/") ? root : "/";
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split("; ")) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return null;
}

function writeCookie(name: string, value: string, domain: string | null, maxAgeSeconds: number): void {
  const scope = domain === null ? "" : `; domain=${domain}`;
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=${maxAgeSeconds}; SameSite=Lax${scope}`;
}

function storageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Without storage the capture still works; it just writes the cart again on the next page.
  }
}

// Taken when this module loads, before cart-watch.ts wraps window.fetch: the capture's own /cart.js and
// /cart/update.js requests must not look like the theme changing the cart, or each write would start a pass.
const pageFetch = window.fetch;

async function requestJson(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  try {
    const response = await pageFetch(path, {
      method,
      credentials: "same-origin",
      // The .js endpoints answer JSON whatever the Accept header says.
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? body : JSON.stringify(body),
    });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

export function browserEnv(): CaptureEnv {
  return {
    href: location.href,
    hostname: location.hostname,
    routesRoot: routesRoot(),
    customerPrivacy: shopifyGlobal().customerPrivacy,
    readCookie,
    writeCookie,
    storageGet,
    storageSet,
    requestJson,
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    nowMs: () => Date.now(),
  };
}
