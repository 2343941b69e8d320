// A shopper's journey through the REAL storefront capture and the REAL Web Pixel bundle, without a browser:
// the capture runs against an in-memory storefront and cart (storefront-page.ts), the built pixel runs in a
// sandbox of its own (pixel-host.ts) and reaches Meta's /tr (the simulator) and Tandem's /collect through the
// shopper's network (browser-network.ts), and the order that results carries the cart attributes exactly as
// Shopify would carry them. Every page load is a fresh pixel on the shop's storage. Checkout events are
// live-shaped: the cart attributes ride on checkout_started and payment_info_submitted, while
// checkout_completed carries none, so the pixel's purchase-id ledger is what names the browser Purchase.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { newCaptureMemory, runCapture } from "../../app/storefront-capture/run-capture";
import { buildOrder, type OrderPayload } from "../../sim/fixtures/order-payloads";
import { createBrowserNetwork, type RequestRecord } from "./browser-network";
import { loadPixelPage, type ShopperPrivacy } from "./pixel-host";
import { createStorefrontPage } from "./storefront-page";
import { createWorkTracker } from "./work-tracker";

const CHECKOUT_COMPLETED = JSON.parse(
  readFileSync(new URL("../../sim/fixtures/shopify/checkout-completed.json", import.meta.url), "utf8"),
) as { data: { checkout: Record<string, unknown> } };

export const SHOPPER_CONSENT = {
  granted: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: true },
  /** Marketing allowed, sale of data declined: both sides send with Limited Data Use. */
  saleOfDataDenied: { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: false },
  /** No marketing consent: the embed writes only the refusal record (decision 0035) and the pixel sends nothing. */
  denied: { marketingAllowed: false, analyticsProcessingAllowed: false, saleOfDataAllowed: false },
} satisfies Record<string, ShopperPrivacy>;

export type JourneyOptions = {
  label: string;
  shopHost: string;
  orderId: number;
  orderName: string;
  checkoutToken: string;
  /** A search before the product page (search_submitted → Search). */
  search?: string;
  /** false: "Buy it now" skips the cart, so no add to cart and no attributes reach the order. */
  viaCart: boolean;
  /** false: the shopper leaves on the payment step; no order. */
  completes: boolean;
  consent: ShopperPrivacy;
  /** true: an ad blocker stops the pixel's requests to Meta (not those to the shop's app). */
  adBlocker: boolean;
  pixel: { bundle: string; settings: Record<string, string>; metaOrigin: string };
};

export type JourneyResult = {
  label: string;
  order: OrderPayload | null;
  browserPurchaseEid: string | null;
  /** Every request the pixel made, to Meta and to the collector, in order. */
  requests: readonly RequestRecord[];
};

// Live pixel payloads carry plain digit strings for variant and product ids.
const VARIANT = {
  id: "45012345678901",
  price: { amount: 24.5, currencyCode: "USD" },
  product: { id: "8012345678901", title: "Linen shirt" },
};

export async function playJourney(options: JourneyOptions): Promise<JourneyResult> {
  const shop = `https://${options.shopHost}`;
  const storefront = createStorefrontPage(options.shopHost, options.consent);
  const tracker = createWorkTracker();
  const network = createBrowserNetwork({ metaOrigin: options.pixel.metaOrigin, adBlocker: options.adBlocker, tracker });
  let referrer = "https://www.facebook.com/";

  /** A page load: the embed's pass (storefront pages only), a fresh pixel, then the page's customer events. */
  async function visit(path: string, events: Array<[name: string, data: Record<string, unknown>]>, storefrontPage = true) {
    if (storefrontPage) await runCapture(storefront.envFor(path));
    const pixel = loadPixelPage({
      ...options.pixel,
      shopDomain: options.shopHost,
      privacy: options.consent,
      cookies: storefront.cookies,
      localStorage: storefront.pixelStorage,
      network,
      tracker,
    });
    const href = `${shop}${path}`;
    for (const [name, data] of events) {
      const context = { document: { location: { href }, referrer } };
      await pixel.emit({ id: `sh-${randomBytes(8).toString("hex")}`, name, type: "standard", timestamp: new Date().toISOString(), context, data });
    }
    referrer = href;
  }

  // Landing from a Meta ad (fbclid): the cart is still empty, so the capture sets the cookies and leaves it alone.
  await visit("/?fbclid=IwAR2demoClickIdAbCdEf", [["page_viewed", {}]]);
  if (options.search) {
    const searchResult = { query: options.search, productVariants: [VARIANT] };
    await visit(`/search?q=${encodeURIComponent(options.search)}`, [["page_viewed", {}], ["search_submitted", { searchResult }]]);
  }
  await visit("/products/linen-shirt", [["page_viewed", {}], ["product_viewed", { productVariant: VARIANT }]]);
  if (options.viaCart) {
    // Added from the product page's drawer (no page load): the embed's cart hook runs a pass, which names the
    // cart and writes it once; then Shopify emits product_added_to_cart.
    storefront.cart.add({ items: [{ id: 45012345678901, quantity: 2 }] });
    await runCapture(storefront.envFor("/products/linen-shirt"), newCaptureMemory());
    const cartLine = { merchandise: VARIANT, quantity: 2, cost: { totalAmount: { amount: 49, currencyCode: "USD" } } };
    await visit("/products/linen-shirt", [["product_added_to_cart", { cartLine }]], false);
  }

  const attributes = options.viaCart ? storefront.cart.attributes : {};
  const checkout = {
    ...CHECKOUT_COMPLETED.data.checkout,
    token: options.checkoutToken,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  };
  const checkoutPath = `/checkouts/cn/${options.checkoutToken}`;
  await visit(checkoutPath, [["checkout_started", { checkout }], ["payment_info_submitted", { checkout }]], false);
  if (!options.completes) return { label: options.label, order: null, browserPurchaseEid: null, requests: network.requests };
  // The thank-you page: live stores send checkout_completed with `attributes: []`.
  await visit(`${checkoutPath}/thank-you`, [["checkout_completed", { checkout: { ...checkout, attributes: [] } }]], false);

  const now = new Date().toISOString();
  const order = buildOrder({
    id: options.orderId,
    admin_graphql_api_id: `gid://shopify/Order/${options.orderId}`,
    name: options.orderName,
    checkout_token: options.checkoutToken,
    processed_at: now,
    created_at: now,
    note_attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
  });
  const purchase = network.requests.find((request) => request.eventName === "Purchase");
  return { label: options.label, order, browserPurchaseEid: purchase?.eventId ?? null, requests: network.requests };
}
