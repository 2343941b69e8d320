import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appProxyMessage, verifyAppProxyQuery } from "../../app/collector/app-proxy-signature";

const SECRET = "hush";

/** Signs as Shopify describes it, written out independently of the module under test. */
function shopifySigned(pairs: [string, string][]): URLSearchParams {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const message = [...grouped.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, vs]) => `${k}=${vs.join(",")}`).join("");
  const query = new URLSearchParams(pairs);
  query.append("signature", createHmac("sha256", SECRET).update(message).digest("hex"));
  return query;
}

const PROXY_PARAMS: [string, string][] = [
  ["extra", "1"],
  ["extra", "2"],
  ["shop", "some-shop.myshopify.com"],
  ["logged_in_customer_id", "1"],
  ["path_prefix", "/apps/awesome_reviews"],
  ["timestamp", "1317327555"],
];

describe("verifyAppProxyQuery", () => {
  it("builds the message from sorted parameters, repeated values joined by commas, nothing between pairs", () => {
    expect(appProxyMessage(new URLSearchParams(PROXY_PARAMS))).toBe(
      "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=some-shop.myshopify.comtimestamp=1317327555",
    );
  });

  it("accepts Shopify's signature and names the shop it covers", () => {
    expect(verifyAppProxyQuery(shopifySigned(PROXY_PARAMS), SECRET)).toEqual({ valid: true, shop: "some-shop.myshopify.com" });
  });

  it("refuses a changed parameter, another key, a missing or doubled signature", () => {
    const signed = shopifySigned(PROXY_PARAMS);
    const tampered = new URLSearchParams(signed);
    tampered.set("shop", "other-shop.myshopify.com");
    expect(verifyAppProxyQuery(tampered, SECRET)).toEqual({ valid: false, reason: "invalid_signature" });
    expect(verifyAppProxyQuery(signed, "other-secret")).toEqual({ valid: false, reason: "invalid_signature" });
    expect(verifyAppProxyQuery(new URLSearchParams(PROXY_PARAMS), SECRET)).toEqual({ valid: false, reason: "missing_signature" });
    const doubled = new URLSearchParams(signed);
    doubled.append("signature", signed.get("signature") ?? "");
    expect(verifyAppProxyQuery(doubled, SECRET)).toEqual({ valid: false, reason: "invalid_signature" });
  });
});
