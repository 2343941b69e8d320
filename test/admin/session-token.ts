import { createHmac, randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

// What Shopify's admin gives an embedded app: an HS256 session token signed with the app secret, plus the
// shop and host parameters of the document URL. Storing an offline session first means the library finds an
// active session and never attempts token exchange (which would need the real Shopify).

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

export function mintSessionToken(opts: { shop: string; apiKey: string; secret: string; ttlSeconds?: number; userId?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${opts.shop}/admin`,
      dest: `https://${opts.shop}`,
      aud: opts.apiKey,
      sub: opts.userId ?? "42",
      exp: now + (opts.ttlSeconds ?? 3600),
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", opts.secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The `host` parameter: base64 of the shop's admin URL without scheme. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64").replace(/=+$/, "");
}

export function embeddedQuery(shop: string, token: string): string {
  return new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: token }).toString();
}

export async function storeOfflineSession(storage: Pick<SessionStorage, "storeSession">, shop: string): Promise<void> {
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: "installed",
    isOnline: false,
    accessToken: "shpat_test_offline_token",
    scope: "read_orders,write_pixels,read_pixels,read_customer_events,read_themes",
  });
  await storage.storeSession(session);
}
