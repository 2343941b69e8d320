import type { AppContext } from "../context.server";
import { isShopConfigured, type ShopConfig, type ShopConfigPatch } from "../db/shops.server";

// What the settings page and `tandem shops:configure` both do. Saving a configuration is also what
// releases work that was waiting for it: orders held while the shop had no pixel or token fan out to
// the configured pixels, and a shop paused for a configuration error resumes with its events intact.

type Deps = Pick<AppContext, "shops" | "outbox" | "queue" | "logger">;

export async function configureShop(deps: Deps, shop: string, patch: ShopConfigPatch, nowMs: number): Promise<ShopConfig> {
  const before = await deps.shops.getShop(shop);
  await deps.shops.configureShop(shop, patch, nowMs);
  const after = await deps.shops.getShop(shop);
  if (!after) throw new Error(`shop ${shop} vanished while it was being configured`);

  const credentialsChanged = patch.accessToken !== undefined || patch.pixelIds !== undefined;
  if (isShopConfigured(after)) {
    await deps.outbox.fanOutHeld(shop, after.pixelIds, nowMs);
    // New credentials resume every pause: the shop's (token) and its pixels' (a new token may reach a pixel
    // the old one could not; a corrected id list drops the unknown one). A pause that still applies comes
    // back with the next send.
    const pixelsPaused = credentialsChanged && (await deps.shops.resumeDestinations(shop)) > 0;
    if (credentialsChanged && (pixelsPaused || (before?.needsAttentionReason ?? after.needsAttentionReason))) {
      await deps.shops.clearNeedsAttention(shop);
      await deps.outbox.resumeShop(shop, nowMs);
    }
    await deps.queue.notify(shop, []);
  }
  deps.logger.info({ shop, pixels: after.pixelIds.length, token: after.hasAccessToken }, "shop configured");
  return (await deps.shops.getShop(shop)) ?? after;
}
