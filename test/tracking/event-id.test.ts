import { describe, expect, it } from "vitest";
import { TANDEM_ATTRIBUTE, readAttribute } from "../../app/tracking/attributes";
import { isWellFormedTandemEventId, purchaseEventId } from "../../app/tracking/event-id";

const GOOD_ID = "Zq3v9XkPq2mW8rTn4LbY1A";

describe("readAttribute", () => {
  it("reads browser {key,value}[], webhook {name,value}[] and plain records", () => {
    expect(readAttribute([{ key: "_tandem_fbp", value: "x" }], TANDEM_ATTRIBUTE.fbp)).toBe("x");
    expect(readAttribute([{ name: "_tandem_fbp", value: "y" }], TANDEM_ATTRIBUTE.fbp)).toBe("y");
    expect(readAttribute({ _tandem_fbp: "z" }, TANDEM_ATTRIBUTE.fbp)).toBe("z");
  });
  it("treats null, blanks, non-strings and broken entries as absent", () => {
    expect(readAttribute(null, TANDEM_ATTRIBUTE.fbp)).toBeNull();
    expect(readAttribute([null, 3, { name: "_tandem_fbp", value: "   " }], TANDEM_ATTRIBUTE.fbp)).toBeNull();
    expect(readAttribute([{ name: "_tandem_fbp", value: 12 }], TANDEM_ATTRIBUTE.fbp)).toBeNull();
  });
  it("trims values", () => {
    expect(readAttribute([{ name: "_tandem_consent", value: " m1;a1;s1 " }], TANDEM_ATTRIBUTE.consent)).toBe("m1;a1;s1");
  });
});

describe("isWellFormedTandemEventId", () => {
  it("accepts 22–64 URL-safe characters", () => {
    expect(isWellFormedTandemEventId(GOOD_ID)).toBe(true);
    expect(isWellFormedTandemEventId("a".repeat(64))).toBe(true);
    expect(isWellFormedTandemEventId("A-b_".repeat(6))).toBe(true);
  });
  it("rejects too short (<128 bits), too long, or other characters", () => {
    expect(isWellFormedTandemEventId("a".repeat(21))).toBe(false);
    expect(isWellFormedTandemEventId("a".repeat(65))).toBe(false);
    expect(isWellFormedTandemEventId(`${GOOD_ID}=`)).toBe(false);
    expect(isWellFormedTandemEventId(`${GOOD_ID} x`)).toBe(false);
    expect(isWellFormedTandemEventId(123)).toBe(false);
  });
});

describe("purchaseEventId", () => {
  const attrs = (value: string) => [{ name: TANDEM_ATTRIBUTE.eventId, value }];

  it("uses a well-formed note attribute first", () => {
    expect(purchaseEventId(attrs(GOOD_ID), "tok", 1)).toEqual({ eventId: GOOD_ID, provenance: "note_attribute" });
  });
  it("reads the browser's {key,value} attributes the same way", () => {
    expect(purchaseEventId([{ key: "_tandem_event_id", value: GOOD_ID }], "tok")).toEqual({
      eventId: GOOD_ID,
      provenance: "note_attribute",
    });
  });
  it("falls back to the checkout token when the note attribute is missing or garbage", () => {
    expect(purchaseEventId([], "abc123", 5)).toEqual({ eventId: "ck_abc123", provenance: "checkout_token" });
    expect(purchaseEventId(attrs("<script>"), "abc123", 5)).toEqual({ eventId: "ck_abc123", provenance: "checkout_token" });
    expect(purchaseEventId(null, "abc123")).toEqual({ eventId: "ck_abc123", provenance: "checkout_token" });
  });
  it("falls back to the order id when there is no checkout token", () => {
    expect(purchaseEventId(null, null, 5812345678901)).toEqual({ eventId: "order_5812345678901", provenance: "order_id" });
    expect(purchaseEventId(null, "   ", "5812345678901")).toEqual({
      eventId: "order_5812345678901",
      provenance: "order_id",
    });
  });
  it("gives the same order id for numbers, digit strings and both gid forms", () => {
    for (const orderId of [
      5812345678901,
      "5812345678901",
      "gid://shopify/Order/5812345678901",
      "gid://shopify/OrderIdentity/5812345678901",
    ]) {
      expect(purchaseEventId([], "", orderId)?.eventId).toBe("order_5812345678901");
    }
  });
  it("returns null when nothing usable exists", () => {
    expect(purchaseEventId([], undefined, "gid://shopify/Product/1")).toBeNull();
    expect(purchaseEventId([], undefined, -3)).toBeNull();
    expect(purchaseEventId(undefined, undefined)).toBeNull();
  });
});
