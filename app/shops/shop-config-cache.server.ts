import { isShopConfigured, type ShopConfig } from "../db/shops.server";

// Every orders/paid webhook needs its shop's configuration (pixels, value and consent settings); reading it
// from the database per webhook was a fifth of a webhook's database work. Configurations change a few times
// in a shop's life, orders arrive many times a second, so the webhook path keeps them briefly:
// - only CONFIGURED shops are kept. An unconfigured shop is always read fresh, so the moment a shop is set
//   up its next order is sent rather than held (holding is the one decision that needs a later fan-out);
// - writes through this process's shop store forget the entry at once (`forget`, wired in the context);
// - a write from another process (a second web process, the CLI) is seen after at most `ttlMs`.
// Worker and admin read the store directly: only the webhook path tolerates this staleness.

export type ShopConfigReader = { getShop(shop: string): Promise<ShopConfig | null> };
export type ShopConfigCache = ShopConfigReader & { forget(shop: string): void };

export const SHOP_CONFIG_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

export function createShopConfigCache(store: ShopConfigReader, opts: { ttlMs?: number; now?: () => number } = {}): ShopConfigCache {
  const ttlMs = opts.ttlMs ?? SHOP_CONFIG_TTL_MS;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { config: ShopConfig; until: number }>();
  // A read that started before a forget() must not put the old value back afterwards.
  const generation = new Map<string, number>();

  return {
    async getShop(shop) {
      const hit = entries.get(shop);
      if (hit && hit.until > now()) return hit.config;
      const started = generation.get(shop) ?? 0;
      const config = await store.getShop(shop);
      if (isShopConfigured(config) && (generation.get(shop) ?? 0) === started) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(shop, { config, until: now() + ttlMs });
      } else {
        entries.delete(shop);
      }
      return config;
    },
    forget(shop) {
      entries.delete(shop);
      generation.set(shop, (generation.get(shop) ?? 0) + 1);
    },
  };
}
