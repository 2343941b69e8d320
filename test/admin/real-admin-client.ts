import "@shopify/shopify-app-remix/adapters/node";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiVersion, Session, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { GraphqlFn } from "../../app/shopify/activate-web-pixel.server";
import { ADMIN_SCHEMA_VERSION } from "./admin-schema";
import { embeddedQuery, mintSessionToken, storeOfflineSession } from "./session-token";

// The `admin.graphql` that Tandem's routes get from `authenticate.admin`, built by the real
// @shopify/shopify-app-remix and @shopify/shopify-api, talking HTTP to a stand-in Admin API on loopback.
// Whatever it returns or throws — GraphqlQueryError, HttpRequestError, a Response for an HTTP error status — is
// the libraries' own doing, not this file's. The one seam: the library's fetch (set by its node adapter) is
// replaced by one that sends https://<registered fake shop>/admin/api/… to 127.0.0.1 and everything else on
// to whatever globalThis.fetch is at the time of the call.

export type AdminAnswer = { status: number; body: unknown } | { drop: true };
export type AdminHandler = (request: { path: string; body: string }) => AdminAnswer;

const API_KEY = "fake-admin-api-key";
const API_SECRET = "fake-admin-api-secret";
const handlers = new Map<string, AdminHandler>();
const nativeFetch = globalThis.fetch;
let port: Promise<number> | undefined;
let shopCount = 0;

function memorySessionStorage(): SessionStorage {
  const sessions = new Map<string, Session>();
  return {
    async storeSession(session) {
      sessions.set(session.id, session);
      return true;
    },
    async loadSession(id) {
      return sessions.get(id);
    },
    async deleteSession(id) {
      return sessions.delete(id);
    },
    async deleteSessions(ids) {
      ids.forEach((id) => sessions.delete(id));
      return true;
    },
    async findSessionsByShop(shop) {
      return [...sessions.values()].filter((session) => session.shop === shop);
    },
  };
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const [, shop = "", ...rest] = (request.url ?? "/").split("/");
  const handler = handlers.get(shop);
  const answer: AdminAnswer = handler
    ? handler({ path: `/${rest.join("/")}`, body: Buffer.concat(chunks).toString("utf8") })
    : { status: 404, body: { errors: "Not Found" } };
  if ("drop" in answer) {
    request.socket.destroy();
    return;
  }
  response.writeHead(answer.status, { "Content-Type": "application/json", "X-Request-Id": `fake-${shop}` });
  response.end(JSON.stringify(answer.body));
}

function loopbackPort(): Promise<number> {
  port ??= new Promise((resolve) => {
    const server = createServer((request, response) => void serve(request, response));
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    server.unref();
  });
  return port;
}

const routedFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!handlers.has(url.host)) return globalThis.fetch(input, init);
  return nativeFetch(`http://127.0.0.1:${await loopbackPort()}/${url.host}${url.pathname}${url.search}`, init);
};
setAbstractFetchFunc(routedFetch);

const sessionStorage = memorySessionStorage();
const shopify = shopifyApp({
  apiKey: API_KEY,
  apiSecretKey: API_SECRET,
  appUrl: "https://tandem.test",
  apiVersion: ADMIN_SCHEMA_VERSION as ApiVersion,
  scopes: ["read_orders", "write_pixels", "read_pixels", "read_customer_events", "read_themes"],
  sessionStorage,
  future: { unstable_newEmbeddedAuthStrategy: true },
  logger: { level: LogSeverity.Error, log: () => undefined },
});

/** Sends the library's requests for `shop` (any app's, including Tandem's own app/shopify/app.server.ts) to `handler`. */
export function routeShopToHandler(shop: string, handler: AdminHandler): void {
  handlers.set(shop, handler);
}

function registerShop(handler: AdminHandler): string {
  shopCount += 1;
  const shop = `fake-admin-${process.pid}-${shopCount}.myshopify.com`;
  routeShopToHandler(shop, handler);
  return shop;
}

/** A new shop whose Admin API is `handler`, and the real `admin.graphql` an embedded page request gets for it. */
export async function realAdminGraphql(handler: AdminHandler): Promise<GraphqlFn> {
  const shop = registerShop(handler);
  await storeOfflineSession(sessionStorage, shop);
  const token = mintSessionToken({ shop, apiKey: API_KEY, secret: API_SECRET });
  const { admin } = await shopify.authenticate.admin(new Request(`https://tandem.test/app?${embeddedQuery(shop, token)}`));
  return admin.graphql;
}

/** @shopify/shopify-api's own GraphQL client with no app framework around it, for comparing what each throws. */
export function bareLibraryRequest(handler: AdminHandler): (query: string) => Promise<unknown> {
  const shop = registerShop(handler);
  const api = shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    hostName: "tandem.test",
    apiVersion: ADMIN_SCHEMA_VERSION as ApiVersion,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: () => undefined },
  });
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_bare" });
  return (query) => new api.clients.Graphql({ session }).request(query);
}
