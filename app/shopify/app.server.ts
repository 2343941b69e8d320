import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { env } from "../env.server";
import { getAppContext } from "../context.server";
import { LazySessionStorage } from "../db/lazy-session-storage.server";
import { connectWebPixel } from "./connect-web-pixel.server";

// The only place the Shopify app is configured. Webhook subscriptions are declared in shopify.app.toml,
// never here: declaring them in both places makes Shopify deliver every event twice.
// Keep API_VERSION equal to [webhooks] api_version in shopify.app.toml.
export const API_VERSION = ApiVersion.October26;

const config = env();

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new LazySessionStorage(async () => (await getAppContext()).sessionStorage),
  distribution: AppDistribution.AppStore,
  logger: { level: config.NODE_ENV === "development" ? LogSeverity.Info : LogSeverity.Warning },
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    // Runs inside install and every re-auth: a failed pixel activation must not fail them. connectWebPixel
    // logs it, and the checklist then shows the pixel as not activated with a button that runs it again.
    afterAuth: async ({ session, admin }) => {
      const context = await getAppContext();
      await context.shops.saveShopConfig(session.shop, {}, Date.now());
      await connectWebPixel(context, session.shop, admin.graphql, "install");
    },
  },
});

export default shopify;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const sessionStorage = shopify.sessionStorage;
