import { createHash } from "node:crypto";
import { collectorBody } from "../../app/tracking/pixel/collector-body";
import { buildTrUrl, META_TR_ENDPOINT, type TrRequest } from "../../app/tracking/pixel/tr-url";

// The collector load: shopper journeys, each event's body built by the pixel's own code (tr-url.ts, then
// collector-body.ts), so every request is what a real Web Pixel posts. One shopper = one address and one fbp;
// a journey is the five funnel events a shop sends by default (PageView is off unless the merchant turns it on).

export type CollectBody = { shop: string; eventName: string; eventId: string; body: string; clientAddress: string };

const JOURNEY = ["ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"] as const;
export const EVENTS_PER_SHOPPER = JOURNEY.length;

function hashed(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

// RFC 2544's benchmarking range (198.18.0.0/15): distinct shoppers for the per-client limit, never anyone real.
function benchAddress(shopper: number): string {
  return `198.${18 + ((shopper >> 16) & 1)}.${(shopper >> 8) & 255}.${shopper & 255}`;
}

function customDataFor(eventName: (typeof JOURNEY)[number], variant: string): TrRequest["customData"] {
  const line = { id: variant, quantity: 1, item_price: 24.5 };
  switch (eventName) {
    case "Search":
      return { search_string: "blue mug" };
    case "ViewContent":
      return { content_type: "product", contents: [line], content_ids: [variant], value: 24.5, currency: "EUR", content_name: "Mug" };
    default:
      return { content_type: "product", contents: [line], content_ids: [variant], value: 24.5, currency: "EUR", num_items: 1 };
  }
}

/** Bodies for `shoppers` journeys starting at shopper number `first`, spread over the shops. */
export function collectBodies(shops: readonly string[], first: number, shoppers: number, nowMs: number): CollectBody[] {
  const bodies: CollectBody[] = [];
  for (let s = first; s < first + shoppers; s += 1) {
    const shop = shops[s % shops.length] ?? "bench.myshopify.com";
    const fbp = `fb.1.${nowMs}.${1_000_000 + s}`;
    const variant = String(40_000_000_000 + (s % 500));
    const checkoutToken = `bench${s.toString(36)}`;
    JOURNEY.forEach((eventName, step) => {
      const inCheckout = eventName === "InitiateCheckout" || eventName === "AddPaymentInfo";
      const eventId = `sh${s}-${step}`;
      const url = buildTrUrl(META_TR_ENDPOINT, {
        pixelId: "0", // dropped by collectorBody: the server's configured pixels are the ones that count
        eventName,
        eventId,
        pageUrl: inCheckout ? `https://${shop}/checkouts/cn/${checkoutToken}` : `https://${shop}/products/mug`,
        timestampMs: nowMs,
        customData: customDataFor(eventName, variant),
        userData: inCheckout ? { em: hashed(`shopper${s}@example.com`), country: hashed("de") } : {},
        fbp,
        limitedDataUse: s % 10 === 0,
      });
      bodies.push({ shop, eventName, eventId, body: collectorBody(url, shop, inCheckout ? checkoutToken : null), clientAddress: benchAddress(s) });
    });
  }
  return bodies;
}
