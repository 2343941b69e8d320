import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeCart, formFieldsToBody } from "./fake-cart";
import type { CartAnswer, CheckoutRecord, FakeCart } from "./fake-cart";

// A loopback stand-in for a Shopify-hosted storefront: pages that load the real embed asset and carry a
// Dawn-like cart drawer form (POST {root}cart with a `checkout` button), the Ajax Cart API of fake-cart.ts
// (also under a locale root such as /fr/), a checkout page that, like Shopify's, renders no app embed,
// and a fake Customer Privacy API whose answer the test controls (window.__tandemTest.setConsent).

export type PrivacyMode = "none" | "granted" | "denied" | "pending";

export type CartUpdate = { path: string; attributes: Record<string, string>; atMs: number };

export type FakeStorefrontOptions = {
  assetPath: string;
  /** Shopify.routes.root, e.g. "/" or "/fr/". */
  routesRoot?: string;
  privacy?: PrivacyMode;
  /**
   * true: Shopify's Ajax Cart API. false: every cart path answers 404 (a headless or non-Shopify page).
   * "html": 200 with an HTML body. "not-a-cart": 200 with JSON that is no cart.
   */
  ajaxCart?: boolean | "html" | "not-a-cart";
  /** Delay before /cart/update(.js) answers and applies, to let a checkout overtake the capture's write. */
  updateDelayMs?: number;
  /** Extra script run in <head> before the embed (a theme's own code). */
  themeScript?: string;
};

export type FakeStorefront = {
  readonly port: number;
  url(host: string, path?: string): string;
  /** Every POST to cart/update(.js), the capture's and the theme's. */
  readonly updates: readonly CartUpdate[];
  readonly cartReads: number;
  /** What checkout received from each cart form POST with `checkout`. */
  readonly checkouts: readonly CheckoutRecord[];
  readonly attributes: Record<string, string>;
  readonly cart: FakeCart;
  /** A new session cart, as after an order. */
  newCart(): void;
  close(): Promise<void>;
};

function page(routesRoot: string, privacy: PrivacyMode, themeScript: string): string {
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
<script>${themeScript}</script>
<script src="/tandem-capture.js" defer></script></head>
<body><h1>Linen Shirt</h1><p>Fake storefront for Tandem's embed tests.</p>
<form action="${routesRoot}cart" method="post" id="CartDrawer-Form"><input type="hidden" name="note" value=""></form>
<button type="submit" name="checkout" form="CartDrawer-Form" id="CartDrawer-Checkout">Check out</button>
</body></html>`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON, urlencoded or multipart (what fetch sends for a FormData), as the Ajax API accepts them. */
async function parseBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  const type = req.headers["content-type"] ?? "";
  if (raw.length === 0) return {};
  if (type.includes("json")) {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const form = await new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
  return formFieldsToBody([...form.entries()].map(([name, value]) => [name, String(value)]));
}

const CART_ROUTES = ["cart.js", "cart/add", "cart/change", "cart/update", "cart/clear"];

export async function startFakeStorefront(options: FakeStorefrontOptions): Promise<FakeStorefront> {
  const routesRoot = options.routesRoot ?? "/";
  const asset = await readFile(options.assetPath, "utf8");
  const updates: CartUpdate[] = [];
  const checkouts: CheckoutRecord[] = [];
  let cart = createFakeCart();
  let cartReads = 0;

  async function ajax(route: string, path: string, req: IncomingMessage): Promise<CartAnswer> {
    if (route === "cart.js") {
      cartReads += 1;
      return cart.read();
    }
    const body = await parseBody(req);
    if (route === "cart/add") return cart.add(body);
    if (route === "cart/change") return cart.change(body);
    if (route === "cart/clear") return cart.clear();
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(body.attributes ?? {})) attributes[key] = String(value);
    if (options.updateDelayMs) await new Promise((resolve) => setTimeout(resolve, options.updateDelayMs));
    updates.push({ path, attributes, atMs: Date.now() });
    return cart.update(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://storefront").pathname;
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
      res.end(body);
    };
    if (path === "/tandem-capture.js") return send(200, "text/javascript", asset);
    if (path === "/favicon.ico") return send(200, "image/x-icon", "");
    if (path === "/checkout") return send(200, "text/html; charset=utf-8", "<!doctype html><title>Checkout</title><h1>Checkout</h1>");
    const local = path.startsWith(routesRoot) ? path.slice(routesRoot.length) : path.slice(1);
    const route = CART_ROUTES.find((r) => local === r || (r !== "cart.js" && local === `${r}.js`));
    if (route !== undefined) {
      if (options.ajaxCart === false) return send(404, "text/plain", "not found");
      if (options.ajaxCart === "html") return send(200, "text/html", "<!doctype html><p>Something went wrong</p>");
      if (options.ajaxCart === "not-a-cart") return send(200, "application/json", JSON.stringify({ item_count: "3", ok: true }));
      if (route !== "cart.js" && req.method !== "POST") return send(405, "text/plain", "method not allowed");
      const answer = await ajax(route, path, req);
      return send(answer.status, "application/json", JSON.stringify(answer.body));
    }
    if (local === "cart" && req.method === "POST") {
      const checkout = cart.submitForm(await parseBody(req));
      if (checkout === null) return send(302, "text/plain", "", { location: `${routesRoot}cart` });
      checkouts.push(checkout);
      return send(302, "text/plain", "", { location: "/checkout" });
    }
    return send(200, "text/html; charset=utf-8", page(routesRoot, options.privacy ?? "none", options.themeScript ?? ""));
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
    get checkouts() {
      return checkouts;
    },
    get attributes() {
      return cart.attributes;
    },
    get cart() {
      return cart;
    },
    newCart() {
      cart = createFakeCart();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
