import { describe, expect, it } from "vitest";
import { COLLECT_REJECTION, MAX_EVENT_AGE_MS, MAX_EVENT_LEAD_MS, parseCollectBody } from "../../app/collector/collect-body";
import { buildTrUrl } from "../../app/tracking/pixel/tr-url";

const NOW = 1_800_000_000_000;
const HASH = "a".repeat(64);

/** A body as the pixel builds it: shop, checkout token, then its /tr query without the pixel id. */
function body(overrides: Record<string, string | null> = {}): string {
  const tr = new URL(
    buildTrUrl("https://www.facebook.com/tr", {
      pixelId: "123456",
      eventName: "AddToCart",
      eventId: "evt_1",
      pageUrl: "https://shop.example/products/x?utm_source=mail&email=a@b.c#top",
      timestampMs: NOW - 1_000,
      customData: { value: 12.5, currency: "EUR", contents: [{ id: "111", quantity: 1, item_price: 12.5 }], content_ids: ["111"], content_type: "product", num_items: 1 },
      userData: { em: HASH },
      fbp: "fb.1.1700000000000.123456789",
      limitedDataUse: false,
    }),
  );
  const params = new URLSearchParams({ shop: "demo.myshopify.com", ck: "" });
  for (const [key, value] of tr.searchParams) if (key !== "id") params.append(key, value);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  return params.toString();
}

describe("parseCollectBody", () => {
  it("reads what the pixel sends", () => {
    const parsed = parseCollectBody(body(), NOW);
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({
        shop: "demo.myshopify.com",
        checkoutToken: null,
        eventName: "AddToCart",
        eventId: "evt_1",
        timestampMs: NOW - 1_000,
        userData: { em: HASH },
        fbp: "fb.1.1700000000000.123456789",
        fbc: null,
        limitedDataUse: false,
        customData: { value: 12.5, currency: "EUR", contents: [{ id: "111", quantity: 1, item_price: 12.5 }], content_ids: ["111"], content_type: "product", num_items: 1 },
      }),
    });
  });

  it.each([
    ["an unknown event", { ev: "Lead" }, COLLECT_REJECTION.badEvent],
    ["a missing event id", { eid: null }, COLLECT_REJECTION.badEventId],
    ["an event id with unsafe characters", { eid: "a b<script>" }, COLLECT_REJECTION.badEventId],
    ["an event id over 100 characters", { eid: "x".repeat(101) }, COLLECT_REJECTION.badEventId],
    ["a shop that is not a myshopify domain", { shop: "evil.example.com" }, COLLECT_REJECTION.badShop],
    ["an unknown field", { id: "123456" }, COLLECT_REJECTION.unknownField],
    ["a non-numeric time", { ts: "yesterday" }, COLLECT_REJECTION.badTimestamp],
    ["a time more than an hour old", { ts: String(NOW - MAX_EVENT_AGE_MS - 1) }, COLLECT_REJECTION.staleTimestamp],
    ["a time more than five minutes ahead", { ts: String(NOW + MAX_EVENT_LEAD_MS + 1) }, COLLECT_REJECTION.futureTimestamp],
    ["a page that is not a web URL", { dl: "javascript:alert(1)" }, COLLECT_REJECTION.badUrl],
    ["a value that is not a number", { "cd[value]": "lots" }, COLLECT_REJECTION.badCustomData],
    ["contents that are not JSON", { "cd[contents]": "[{" }, COLLECT_REJECTION.badCustomData],
    ["an unknown custom field", { "cd[password]": "x" }, COLLECT_REJECTION.badCustomData],
    ["a processing option other than LDU", { dpo: "CCPA" }, COLLECT_REJECTION.badConsent],
    ["a checkout token with odd characters", { ck: "../../etc" }, COLLECT_REJECTION.badCheckoutToken],
  ])("refuses %s", (_label, overrides, reason) => {
    expect(parseCollectBody(body(overrides), NOW)).toEqual({ ok: false, reason });
  });

  it("refuses a field given twice (which one would count is ambiguous)", () => {
    expect(parseCollectBody(`${body()}&eid=evt_2`, NOW)).toEqual({ ok: false, reason: COLLECT_REJECTION.repeatedField });
  });

  it("accepts the edges of the time window", () => {
    expect(parseCollectBody(body({ ts: String(NOW - MAX_EVENT_AGE_MS) }), NOW).ok).toBe(true);
    expect(parseCollectBody(body({ ts: String(NOW + MAX_EVENT_LEAD_MS) }), NOW).ok).toBe(true);
  });

  it("drops match keys that are not SHA-256 hex, and counts them, instead of keeping a raw value", () => {
    const parsed = parseCollectBody(body({ "ud[em]": "shopper@example.com", "ud[ph]": "+4915112345678", "ud[fn]": HASH, "ud[nickname]": HASH }), NOW);
    expect(parsed.ok && parsed.event.userData).toEqual({ fn: HASH });
    expect(parsed.ok && parsed.event.droppedUserData).toBe(3);
    expect(JSON.stringify(parsed)).not.toContain("shopper@example.com");
    expect(JSON.stringify(parsed)).not.toContain("4915112345678");
  });

  it("drops a search string that looks like an email or a phone number", () => {
    const email = parseCollectBody(body({ ev: "Search", "cd[search_string]": "me@example.com" }), NOW);
    const phone = parseCollectBody(body({ ev: "Search", "cd[search_string]": "+49 151 1234 5678" }), NOW);
    const words = parseCollectBody(body({ ev: "Search", "cd[search_string]": "red shoes 42" }), NOW);
    expect(email.ok && email.event.customData.search_string).toBeUndefined();
    expect(phone.ok && phone.event.customData.search_string).toBeUndefined();
    expect(words.ok && words.event.customData.search_string).toBe("red shoes 42");
  });

  it("reads sale-of-data denied as Limited Data Use", () => {
    const parsed = parseCollectBody(body({ dpo: "LDU", dpoco: "0", dpost: "0" }), NOW);
    expect(parsed.ok && parsed.event.limitedDataUse).toBe(true);
  });

  it("leaves out a malformed fbp instead of refusing the event", () => {
    const parsed = parseCollectBody(body({ fbp: "not-a-cookie" }), NOW);
    expect(parsed.ok && parsed.event.fbp).toBeNull();
  });

  it("reads a Purchase with its checkout token", () => {
    const parsed = parseCollectBody(body({ ev: "Purchase", ck: "c1a2b3" }), NOW);
    expect(parsed.ok && [parsed.event.eventName, parsed.event.checkoutToken]).toEqual(["Purchase", "c1a2b3"]);
  });
});
