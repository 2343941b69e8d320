/** A standard analytics event as Shopify hands it to a Web Pixel, on a product page of the demo shop. */
export function standardEvent(name: string, id: string, data: unknown) {
  return {
    id,
    name,
    type: "standard",
    timestamp: "2025-11-04T15:10:00.000Z",
    context: { document: { location: { href: "https://tandem-demo.example.com/products/linen-shirt" }, referrer: "" } },
    data,
  };
}
