import type { Logger } from "../logger.server";
import { activateWebPixel, collectorUrlFor, type GraphqlFn, type PixelActivationResult } from "./activate-web-pixel.server";

// Activation where a failure must not stop what called it: install (afterAuth) and the checklist's
// "Connect the web pixel" button. Whatever happens is logged — shop and reason only, never a token — and the
// checklist shows the pixel as not connected, with that button as the fix, because it reads the pixel's
// state from Shopify itself.

export type ConnectWebPixelDeps = {
  shops: { getShop(shop: string): Promise<{ pixelIds: string[] } | null> };
  logger: Pick<Logger, "info" | "warn">;
  /** The app's public URL: the pixel's collector is served under it. */
  env: { SHOPIFY_APP_URL: string };
};

export type ConnectTrigger = "install" | "checklist";

export async function connectWebPixel(deps: ConnectWebPixelDeps, shop: string, graphql: GraphqlFn, trigger: ConnectTrigger): Promise<PixelActivationResult> {
  let result: PixelActivationResult;
  try {
    result = await activateWebPixel(graphql, await deps.shops.getShop(shop), collectorUrlFor(deps.env.SHOPIFY_APP_URL));
  } catch (error) {
    // On the home page, the library's "authenticate again" Response must reach Remix. At install nothing may
    // fail the request: that Response, or a bug, counts as "not activated" (the library has already dropped
    // a token Shopify refused, so the next request authenticates again anyway).
    if (error instanceof Response && trigger === "checklist") throw error;
    const detail = error instanceof Response ? `Shopify answered HTTP ${error.status}` : error instanceof Error ? error.message : "unknown error";
    result = { ok: false, reason: "unreachable", detail };
  }
  if (result.ok) deps.logger.info({ shop, trigger, action: result.action }, "web pixel activated");
  else deps.logger.warn({ shop, trigger, reason: result.reason, detail: result.detail }, "web pixel not activated");
  return result;
}
