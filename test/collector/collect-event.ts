import { buildTrUrl } from "../../app/tracking/pixel/tr-url";

// The body the web pixel posts to the collector for one AddToCart, for tests that need plain valid events
// (collector-shedding.test.ts).

const HASH = "c".repeat(64);

/** The pixel's collector body for one AddToCart: shop, checkout token, then its /tr query without `id`. */
export function addToCartBody(shop: string, eventId: string): string {
  const tr = new URL(
    buildTrUrl("https://www.facebook.com/tr", {
      pixelId: "999",
      eventName: "AddToCart",
      eventId,
      pageUrl: "https://collector-shedding.example/products/shoe",
      timestampMs: Date.now(),
      customData: {
        value: 20,
        currency: "EUR",
        content_ids: ["4711"],
        content_type: "product",
        num_items: 1,
      },
      userData: { em: HASH },
      fbp: "fb.1.1700000000000.987654321",
      fbc: null,
      limitedDataUse: false,
    }),
  );
  const params = new URLSearchParams({ shop, ck: "" });
  for (const [key, value] of tr.searchParams) if (key !== "id") params.append(key, value);
  return params.toString();
}
