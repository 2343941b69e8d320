import { describe, expect, it } from "vitest";
import { parseCollectBody } from "../../app/collector/collect-body";
import { collectorBody } from "../../app/tracking/pixel/collector-body";
import { trUrlsForEvent, type PixelContext } from "../../app/tracking/pixel/pixel-event";
import { parseCollectorUrl } from "../../app/tracking/pixel/pixel-settings";
import purchase from "../../sim/fixtures/shopify/checkout-completed.json";
import started from "../../sim/fixtures/shopify/checkout-started.json";

const SHOP = "tandem-demo.myshopify.com";
const CTX: PixelContext = {
  pixelIds: ["1234567890123456", "6543210987654321"],
  endpoint: "https://www.facebook.com/tr",
  cookies: { fbp: "fb.2.1762000000000.987654321", fbc: null },
  saleOfDataAllowed: true,
};

async function bodyFor(event: unknown, ctx: PixelContext = CTX): Promise<{ tr: URLSearchParams; body: URLSearchParams; raw: string }> {
  const [first] = await trUrlsForEvent(event, ctx);
  if (first === undefined) throw new Error("the event should map to a /tr URL");
  const raw = collectorBody(first, SHOP, (event as { data: { checkout: { token: string } } }).data.checkout.token);
  return { tr: new URL(first).searchParams, body: new URLSearchParams(raw), raw };
}

describe("collectorBody", () => {
  it("carries the /tr request's event id and data, without the pixel id, after the shop and checkout token", async () => {
    const { tr, body, raw } = await bodyFor(started);
    // The shop and the checkout token lead, so the server reads who and which checkout first.
    expect(raw.startsWith(`shop=${SHOP}&ck=${started.data.checkout.token}&`)).toBe(true);
    expect(body.get("eid")).toBe(tr.get("eid"));
    expect(body.get("ev")).toBe("InitiateCheckout");
    expect(body.has("id")).toBe(false);
    // Everything else is the /tr query, value for value: custom data, fbp, time, page.
    const rest = [...body].filter(([key]) => key !== "shop" && key !== "ck");
    expect(rest).toEqual([...tr].filter(([key]) => key !== "id"));
  });

  it("names the purchase as the browser's Purchase does (the ledger's id on live checkouts)", async () => {
    const { tr, body } = await bodyFor(purchase, { ...CTX, purchaseEventId: "tnd_0123456789abcdef0123456789abcdef" });
    expect([body.get("ev"), body.get("eid")]).toEqual(["Purchase", "tnd_0123456789abcdef0123456789abcdef"]);
    expect(body.get("eid")).toBe(tr.get("eid"));
    expect(body.get("ck")).toBe(purchase.data.checkout.token);
    // The customer's email only as the /tr request carries it: hashed, never raw.
    expect(body.get("ud[em]")).toMatch(/^[0-9a-f]{64}$/);
    expect(body.get("ud[em]")).toBe(tr.get("ud[em]"));
    expect(decodeURIComponent([...body.values()].join("&"))).not.toContain("@");
  });

  it("flags Limited Data Use exactly when the /tr request does (sale of data denied)", async () => {
    const denied = (await bodyFor(purchase, { ...CTX, saleOfDataAllowed: false })).body;
    expect([denied.get("dpo"), denied.get("dpoco"), denied.get("dpost")]).toEqual(["LDU", "0", "0"]);
    const allowed = (await bodyFor(purchase)).body;
    expect(allowed.has("dpo")).toBe(false);
  });

  it("sends an empty checkout token outside checkout, and encodes what it is given", () => {
    const body = collectorBody("https://www.facebook.com/tr?id=1234567890123456&ev=PageView&eid=sh-1&ts=1", "a&b.myshopify.com", null);
    expect(body).toBe("shop=a%26b.myshopify.com&ck=&ev=PageView&eid=sh-1&ts=1");
  });
});

describe("the pixel's body and the collector's parser", () => {
  it("agree: every mapped event the pixel posts parses on the server with the same name, id, token and consent", async () => {
    for (const ctx of [CTX, { ...CTX, saleOfDataAllowed: false }]) {
      for (const event of [started, purchase]) {
        const { tr, raw } = await bodyFor(event, ctx);
        const parsed = parseCollectBody(raw, Date.parse(event.timestamp) + 1000);
        if (!parsed.ok) throw new Error(`refused: ${parsed.reason}`);
        expect(parsed.event).toMatchObject({
          shop: SHOP,
          checkoutToken: event.data.checkout.token,
          eventName: tr.get("ev"),
          eventId: tr.get("eid"),
          limitedDataUse: ctx.saleOfDataAllowed === false,
          droppedUserData: 0,
        });
      }
    }
  });
});

describe("parseCollectorUrl", () => {
  it("reads an absolute http(s) URL, and anything else (missing, relative, another scheme) as no collector", () => {
    expect(parseCollectorUrl({ collectorUrl: "https://tandem.example.com/collect" })).toBe("https://tandem.example.com/collect");
    expect(parseCollectorUrl({ collectorUrl: "http://127.0.0.1:4000/collect" })).toBe("http://127.0.0.1:4000/collect");
    for (const collectorUrl of [undefined, "", "/apps/tandem/collect", "javascript:alert(1)", 42]) {
      expect(parseCollectorUrl({ pixelIds: "1234567890", collectorUrl })).toBe("");
    }
    expect(parseCollectorUrl(null)).toBe("");
  });
});
