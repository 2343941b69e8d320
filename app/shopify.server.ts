import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { env } from "./env.server";
import { getAppContext } from "./context.server";
import { LazySessionStorage } from "./db/lazy-session-storage.server";
import { activateWebPixel } from "./shopify/activate-web-pixel.server";

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
    afterAuth: async ({ session, admin }) => {
      const context = await getAppContext();
      await context.shops.configureShop(session.shop, {}, Date.now());
      const result = await activateWebPixel(admin.graphql, await context.shops.getShop(session.shop));
      if (!result.ok) context.logger.warn({ shop: session.shop, reason: result.reason }, "web pixel not activated");
    },
  },
});

export default shopify;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const sessionStorage = shopify.sessionStorage;
