import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A loopback stand-in for a Shopify-hosted storefront: pages that load the real embed asset, the Ajax Cart
// API (/cart.js, /cart/update.js, also under a locale root such as /fr/), and a fake Customer Privacy API
// whose answer the test controls from the page (window.__tandemTest.setConsent).

export type PrivacyMode = "none" | "granted" | "denied" | "pending";

export type CartUpdate = { path: string; attributes: Record<string, string>; atMs: number };

export type FakeStorefrontOptions = {
  assetPath: string;
  /** Shopify.routes.root, e.g. "/" or "/fr/". */
  routesRoot?: string;
  privacy?: PrivacyMode;
  /** false → /cart.js and /cart/update.js answer 404 (a headless or non-Shopify page). */
  ajaxCart?: boolean;
};

export type FakeStorefront = {
  readonly port: number;
  url(host: string, path?: string): string;
  readonly updates: readonly CartUpdate[];
  readonly cartReads: number;
  readonly attributes: Record<string, string>;
  setCartToken(token: string): void;
  close(): Promise<void>;
};

function page(routesRoot: string, privacy: PrivacyMode): string {
  const privacyScript =
    privacy === "none"
      ? ""
      : `var answer = ${JSON.stringify(privacy === "granted" ? "yes" : privacy === "denied" ? "no" : "")};
  window.Shopify.customerPrivacy = {
    currentVisitorConsent: function () { return { marketing: answer, analytics: answer, preferences: answer, sale_of_data: answer }; },
    marketingAllowed: function () { return answer === "yes"; },
    analyticsProcessingAllowed: function () { return answer === "yes"; },
    saleOfDataAllowed: function () { return answer === "yes"; },
    userCanBeTracked: function () { return answer === "yes"; },
    shouldShowBanner: function () { return answer === ""; }
  };
  window.__tandemTest = { setConsent: function (value) {
    answer = value;
    document.dispatchEvent(new CustomEvent("visitorConsentCollected", { detail: { marketingAllowed: value === "yes" } }));
  } };`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Fake storefront</title>
<script>window.Shopify = { routes: { root: ${JSON.stringify(routesRoot)} } };
${privacyScript}</script>
<script src="/tandem-capture.js" defer></script></head>
<body><h1>Linen Shirt</h1><p>Fake storefront for Tandem's embed tests.</p></body></html>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof value !== "object" || value === null) return result;
  for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  return result;
}

export async function startFakeStorefront(options: FakeStorefrontOptions): Promise<FakeStorefront> {
  const routesRoot = options.routesRoot ?? "/";
  const asset = await readFile(options.assetPath, "utf8");
  const updates: CartUpdate[] = [];
  let attributes: Record<string, string> = {};
  let cartToken = "cart-token-1";
  let cartReads = 0;

  function cart(): string {
    return JSON.stringify({ token: cartToken, note: null, attributes, item_count: 0, items: [] });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://storefront").pathname;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (path === "/tandem-capture.js") return send(200, "text/javascript", asset);
    if (path === "/favicon.ico") return send(200, "image/x-icon", "");
    if (path === `${routesRoot}cart.js` || path === `${routesRoot}cart/update.js`) {
      if (options.ajaxCart === false) return send(404, "text/plain", "not found");
      if (path.endsWith("cart.js") && req.method === "GET") {
        cartReads += 1;
        return send(200, "application/json", cart());
      }
      const body: unknown = JSON.parse((await readBody(req)) || "{}");
      const written = stringRecord((body as { attributes?: unknown }).attributes);
      updates.push({ path, attributes: written, atMs: Date.now() });
      attributes = { ...attributes, ...written };
      for (const [key, value] of Object.entries(written)) if (value === "") delete attributes[key];
      return send(200, "application/json", cart());
    }
    return send(200, "text/html; charset=utf-8", page(routesRoot, options.privacy ?? "none"));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (host, path = "/") => `http://${host}:${port}${path}`,
    get updates() {
      return updates;
    },
    get cartReads() {
      return cartReads;
    },
    get attributes() {
      return attributes;
    },
    setCartToken(token) {
      cartToken = token;
      attributes = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
