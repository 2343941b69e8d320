// A shopper's journey through the REAL storefront capture and the REAL pixel logic, without a browser:
// the capture runs against an in-memory page and cart, the pixel's /tr URLs are fetched from the Meta
// simulator, and the order that results carries the cart attributes exactly as Shopify would carry them.
// Checkout events are live-shaped: the cart attributes ride on checkout_started and payment_info_submitted,
// while checkout_completed carries none, so the pixel's purchase-id ledger is what names the browser Purchase.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { newCaptureMemory, runCapture } from "../../app/storefront-capture/run-capture";
import type { CaptureEnv } from "../../app/storefront-capture/capture-env";
import { trUrlsForEvent } from "../../app/tracking/pixel/pixel-event";
import { createPurchaseIdLedger } from "../../app/tracking/pixel/purchase-id-ledger";
import { buildOrder, type OrderPayload } from "../../sim/fixtures/order-payloads";
import { createFakeCart } from "../../sim/fake-cart";

const CHECKOUT_COMPLETED = JSON.parse(
  readFileSync(new URL("../../sim/fixtures/shopify/checkout-completed.json", import.meta.url), "utf8"),
) as { id: string; timestamp: string; data: { checkout: Record<string, unknown> } };

export type JourneyOptions = {
  label: string;
  shopHost: string;
  orderId: number;
  orderName: string;
  checkoutToken: string;
  /** false: "Buy it now" skips the cart, so no attributes reach the order. */
  viaCart: boolean;
  /** false: an ad blocker stops the pixel's requests. */
  pixelReachesMeta: boolean;
  pixelIds: string[];
  trEndpoint: string;
};

export type JourneyResult = {
  label: string;
  order: OrderPayload;
  browserPurchaseEid: string | null;
  /** Meta event names the pixel sent along the way, in order. */
  browserEvents: string[];
  trRequests: number;
};

// Live pixel payloads carry plain digit strings for variant and product ids.
const VARIANT = {
  id: "45012345678901",
  price: { amount: 24.5, currencyCode: "USD" },
  product: { id: "8012345678901", title: "Linen shirt" },
};

/** The storefront and checkout events a Web Pixel receives before checkout_completed, Shopify-shaped. */
function browsingEvents(checkout: Record<string, unknown>, href: string): Array<Record<string, unknown>> {
  const context = { document: { location: { href }, referrer: "https://www.facebook.com/" } };
  const at = (name: string, data: Record<string, unknown>) => ({
    id: `sh-${randomBytes(8).toString("hex")}`,
    name,
    type: "standard",
    timestamp: new Date().toISOString(),
    context,
    data,
  });
  return [
    at("page_viewed", {}),
    at("product_viewed", { productVariant: VARIANT }),
    at("product_added_to_cart", {
      cartLine: { merchandise: VARIANT, quantity: 2, cost: { totalAmount: { amount: 49, currencyCode: "USD" } } },
    }),
    at("checkout_started", { checkout }),
    at("payment_info_submitted", { checkout }),
  ];
}

/** A storefront page in memory: cookies, storage and the fake Ajax cart, shared across page views. */
function createFakePage(shopHost: string) {
  const cookies = new Map<string, string>();
  const storage = new Map<string, string>();
  const cart = createFakeCart();
  let cartUpdates = 0;
  const grantedPrivacy = {
    marketingAllowed: () => true,
    analyticsProcessingAllowed: () => true,
    saleOfDataAllowed: () => true,
    userCanBeTracked: () => true,
    currentVisitorConsent: () => ({ marketing: "yes", analytics: "yes", sale_of_data: "yes" }),
  };
  function envFor(path: string): CaptureEnv {
    return {
      href: `https://${shopHost}${path}`,
      hostname: shopHost,
      routesRoot: "/",
      customerPrivacy: grantedPrivacy,
      readCookie: (name) => cookies.get(name) ?? null,
      writeCookie: (name, value, _domain, maxAge) => (maxAge === 0 ? cookies.delete(name) : cookies.set(name, value)),
      storageGet: (key) => storage.get(key) ?? null,
      storageSet: (key, value) => void storage.set(key, value),
      async requestJson(method, requestPath, body) {
        if (method === "GET" && requestPath.endsWith("cart.js")) return cart.read().body;
        if (method === "POST" && requestPath.endsWith("cart/update.js")) {
          cartUpdates += 1;
          return cart.update(body as Record<string, unknown>).body;
        }
        return null;
      },
      randomBytes: (length) => new Uint8Array(randomBytes(length)),
      nowMs: () => Date.now(),
    };
  }
  return { cookies, cart, envFor, updates: () => cartUpdates };
}

export async function playJourney(options: JourneyOptions): Promise<JourneyResult> {
  const page = createFakePage(options.shopHost);
  // Landing from a Meta ad (fbclid), then a product page: the cart is still empty, so the capture sets
  // the cookies and leaves the cart alone.
  await runCapture(page.envFor("/?fbclid=IwAR2demoClickIdAbCdEf"));
  const productPage = page.envFor("/products/linen-shirt");
  const memory = newCaptureMemory();
  await runCapture(productPage, memory);
  // The shopper adds the shirt from the product page's drawer (no page load); the embed's cart hook runs
  // a pass, which names the cart and writes it once.
  page.cart.add({ items: [{ id: 45012345678901, quantity: 2 }] });
  await runCapture(productPage, memory);

  const attributes = options.viaCart ? page.cart.attributes : {};
  const now = new Date().toISOString();
  const checkout = {
    ...CHECKOUT_COMPLETED.data.checkout,
    token: options.checkoutToken,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  };
  // Live stores send checkout_completed with `attributes: []` even when the earlier checkout events had them.
  const completedCheckout = { ...checkout, attributes: [] };
  const completed = {
    ...CHECKOUT_COMPLETED,
    id: `sh-${randomBytes(8).toString("hex")}`,
    timestamp: now,
    data: { checkout: completedCheckout },
  };
  const shopStorage = new Map<string, string>();
  const ledger = createPurchaseIdLedger({
    getItem: async (key) => shopStorage.get(key) ?? null,
    setItem: async (key, value) => void shopStorage.set(key, value),
  });
  const pixelContext = {
    pixelIds: options.pixelIds,
    endpoint: options.trEndpoint,
    cookies: { fbp: page.cookies.get("_fbp") ?? null, fbc: page.cookies.get("_fbc") ?? null },
    saleOfDataAllowed: true,
  };
  const browserEvents: string[] = [];
  let trRequests = 0;
  let eid: string | null = null;
  for (const event of [...browsingEvents(checkout, `https://${options.shopHost}/products/linen-shirt`), completed]) {
    const purchaseEventId = await ledger.observe(event);
    const urls = await trUrlsForEvent(event, { ...pixelContext, purchaseEventId });
    for (const url of urls) {
      const params = new URL(url).searchParams;
      if (params.get("ev") === "Purchase") eid = params.get("eid");
      browserEvents.push(params.get("ev") ?? "?");
      if (!options.pixelReachesMeta) continue;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`Meta's /tr refused ${params.get("ev")}: HTTP ${response.status}`);
      trRequests += 1;
    }
  }

  const order = buildOrder({
    id: options.orderId,
    admin_graphql_api_id: `gid://shopify/Order/${options.orderId}`,
    name: options.orderName,
    checkout_token: options.checkoutToken,
    processed_at: now,
    created_at: now,
    note_attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
  });
  return { label: options.label, order, browserPurchaseEid: eid, browserEvents, trRequests };
}
