import { describe, expect, it } from "vitest";
import { SHOPIFY_TO_META_EVENT, metaEventNameFor } from "../../app/tracking/event-names";

describe("SHOPIFY_TO_META_EVENT", () => {
  it("maps Shopify standard events to Meta standard events", () => {
    expect(SHOPIFY_TO_META_EVENT).toEqual({
      page_viewed: "PageView",
      product_viewed: "ViewContent",
      search_submitted: "Search",
      product_added_to_cart: "AddToCart",
      checkout_started: "InitiateCheckout",
      payment_info_submitted: "AddPaymentInfo",
      checkout_completed: "Purchase",
    });
  });
  it("has no mapping for other events, including inherited object keys", () => {
    expect(metaEventNameFor("cart_viewed")).toBeNull();
    expect(metaEventNameFor("toString")).toBeNull();
    expect(metaEventNameFor("checkout_completed")).toBe("Purchase");
  });
});
