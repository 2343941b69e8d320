import { createHmac, timingSafeEqual } from "node:crypto";

// Shopify's App Proxy forwards a storefront request to the app and adds `shop`, `logged_in_customer_id`,
// `path_prefix`, `timestamp` and `signature` to its query. The signature is the HMAC-SHA256 (hex) of the other
// query parameters, sorted by name, each written `name=value` (a repeated name's values joined by commas),
// concatenated with no separator, keyed with the app's secret (docs/shopify-platform-facts.md). It covers the
// query only: a proxied request's body is still the visitor's and is read as untrusted.

export const APP_PROXY_CHECK = { valid: "valid", missing: "missing_signature", invalid: "invalid_signature" } as const;
export type AppProxyCheck =
  | { valid: true; shop: string | null }
  | { valid: false; reason: typeof APP_PROXY_CHECK.missing | typeof APP_PROXY_CHECK.invalid };

export function appProxyMessage(query: URLSearchParams): string {
  const values = new Map<string, string[]>();
  for (const [name, value] of query) {
    if (name === "signature") continue;
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return [...values.keys()]
    .sort()
    .map((name) => `${name}=${(values.get(name) ?? []).join(",")}`)
    .join("");
}

export function signAppProxyQuery(query: URLSearchParams, secret: string): string {
  return createHmac("sha256", secret).update(appProxyMessage(query)).digest("hex");
}

export function verifyAppProxyQuery(query: URLSearchParams, secret: string): AppProxyCheck {
  const given = query.getAll("signature");
  if (given.length !== 1 || !/^[0-9a-f]{64}$/.test(given[0] ?? "")) {
    return { valid: false, reason: given.length === 0 ? APP_PROXY_CHECK.missing : APP_PROXY_CHECK.invalid };
  }
  const expected = Buffer.from(signAppProxyQuery(query, secret), "hex");
  if (!timingSafeEqual(expected, Buffer.from(given[0] as string, "hex"))) return { valid: false, reason: APP_PROXY_CHECK.invalid };
  return { valid: true, shop: query.get("shop") };
}
