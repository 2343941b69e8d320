// Everything the capture needs from the page, injected so the same code runs in a storefront (browser-env.ts)
// and in Node (the demo, tests) against a fake page.
export type CaptureEnv = {
  /** Current page URL, e.g. `https://shop.example.com/products/x?fbclid=...`. */
  href: string;
  hostname: string;
  /** `Shopify.routes.root`: `/` or a locale prefix such as `/fr/`. */
  routesRoot: string;
  /** `window.Shopify.customerPrivacy`, or undefined when the page has none. */
  customerPrivacy: unknown;
  readCookie(name: string): string | null;
  /** domain null = host-only cookie. maxAgeSeconds 0 deletes. */
  writeCookie(name: string, value: string, domain: string | null, maxAgeSeconds: number): void;
  storageGet(key: string): string | null;
  storageSet(key: string, value: string): void;
  /** Same-origin JSON request; resolves null on any failure (missing Ajax API, network, non-2xx). */
  requestJson(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown>;
  randomBytes(length: number): Uint8Array;
  nowMs(): number;
};
