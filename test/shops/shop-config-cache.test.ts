import { describe, expect, it } from "vitest";
import { DEFAULT_STORED_PURCHASE_SETTINGS } from "../../app/db/shop-settings";
import type { ShopConfig } from "../../app/db/shops.server";
import { createShopConfigCache, SHOP_CONFIG_TTL_MS } from "../../app/shops/shop-config-cache.server";
import { useTestApp } from "../support/app";

const SHOP = "cache-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const TTL = 1_000;

function shopConfig(overrides: Partial<ShopConfig> = {}): ShopConfig {
  return {
    shop: SHOP,
    pixelIds: ["111"],
    hasAccessToken: true,
    testEventCode: null,
    settings: DEFAULT_STORED_PURCHASE_SETTINGS,
    enabled: true,
    needsAttentionReason: null,
    needsAttentionAt: null,
    storefrontUrl: null,
    alertEmail: null,
    installedAt: 0,
    uninstalledAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** A shop store whose answers the test sets, counting the reads per shop. */
function countingStore(initial: Record<string, ShopConfig | null> = { [SHOP]: shopConfig() }) {
  const configs = new Map(Object.entries(initial));
  const reads = new Map<string, number>();
  return {
    configs,
    reads: (shop = SHOP) => reads.get(shop) ?? 0,
    async getShop(shop: string): Promise<ShopConfig | null> {
      reads.set(shop, (reads.get(shop) ?? 0) + 1);
      return configs.get(shop) ?? null;
    },
  };
}

function clock(start = 10_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe("createShopConfigCache", () => {
  it("answers repeat reads within the TTL without asking the store again", async () => {
    const store = countingStore();
    const time = clock();
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: time.now });

    const first = await cache.getShop(SHOP);
    time.advance(TTL - 1);
    const second = await cache.getShop(SHOP);

    expect(store.reads()).toBe(1);
    expect(second).toEqual(first);
    expect(second?.pixelIds).toEqual(["111"]);
  });

  it("reads the store again once the TTL has passed", async () => {
    const store = countingStore();
    const time = clock();
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: time.now });

    await cache.getShop(SHOP);
    store.configs.set(SHOP, shopConfig({ pixelIds: ["222"] }));
    time.advance(TTL);

    expect((await cache.getShop(SHOP))?.pixelIds).toEqual(["222"]);
    expect(store.reads()).toBe(2);
  });

  it("defaults to a TTL of a few seconds at most", () => {
    expect(SHOP_CONFIG_TTL_MS).toBeGreaterThan(0);
    expect(SHOP_CONFIG_TTL_MS).toBeLessThanOrEqual(5_000);
  });

  it.each([
    ["has no pixel ids", shopConfig({ pixelIds: [] })],
    ["has no access token", shopConfig({ hasAccessToken: false })],
    ["does not exist", null],
  ])("never keeps a shop that %s", async (_case, config) => {
    const store = countingStore({ [SHOP]: config });
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: clock().now });

    for (let read = 0; read < 3; read += 1) expect(await cache.getShop(SHOP)).toEqual(config);

    expect(store.reads()).toBe(3);
  });

  it("sees a shop the moment it becomes configured", async () => {
    const store = countingStore({ [SHOP]: shopConfig({ pixelIds: [] }) });
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: clock().now });

    expect((await cache.getShop(SHOP))?.pixelIds).toEqual([]);
    store.configs.set(SHOP, shopConfig({ pixelIds: ["333"] }));

    expect((await cache.getShop(SHOP))?.pixelIds).toEqual(["333"]);
  });

  it("drops a kept shop when a fresh read finds it no longer configured", async () => {
    const store = countingStore();
    const time = clock();
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: time.now });

    await cache.getShop(SHOP);
    store.configs.set(SHOP, shopConfig({ hasAccessToken: false }));
    time.advance(TTL);
    expect((await cache.getShop(SHOP))?.hasAccessToken).toBe(false);
    expect((await cache.getShop(SHOP))?.hasAccessToken).toBe(false);

    expect(store.reads()).toBe(3);
  });

  it("reads the store again after forget(), for that shop only", async () => {
    const store = countingStore({ [SHOP]: shopConfig(), [OTHER]: shopConfig({ shop: OTHER }) });
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: clock().now });
    await cache.getShop(SHOP);
    await cache.getShop(OTHER);

    store.configs.set(SHOP, shopConfig({ pixelIds: ["444"] }));
    cache.forget(SHOP);

    expect((await cache.getShop(SHOP))?.pixelIds).toEqual(["444"]);
    await cache.getShop(OTHER);
    expect(store.reads(SHOP)).toBe(2);
    expect(store.reads(OTHER)).toBe(1);
  });

  it("does not keep a value read before a forget() that happened while the read was in flight", async () => {
    const configs: ShopConfig[] = [shopConfig({ pixelIds: ["old"] }), shopConfig({ pixelIds: ["new"] })];
    let releaseFirst: (config: ShopConfig) => void = () => {};
    let reads = 0;
    const store = {
      getShop(): Promise<ShopConfig | null> {
        reads += 1;
        if (reads === 1) return new Promise((resolve) => (releaseFirst = resolve));
        return Promise.resolve(configs[1] ?? null);
      },
    };
    const cache = createShopConfigCache(store, { ttlMs: TTL, now: clock().now });

    // GIVEN a read that has fetched the old configuration but not yet returned
    const inFlight = cache.getShop(SHOP);
    // WHEN the shop is changed (and forgotten) before the read completes
    cache.forget(SHOP);
    releaseFirst(configs[0] ?? shopConfig());
    expect((await inFlight)?.pixelIds).toEqual(["old"]);
    // THEN the old value was not kept: the next read goes to the store
    expect((await cache.getShop(SHOP))?.pixelIds).toEqual(["new"]);
    expect(reads).toBe(2);
    // ...and the fresh value is kept as usual
    expect((await cache.getShop(SHOP))?.pixelIds).toEqual(["new"]);
    expect(reads).toBe(2);
  });
});

describe("the app context's shop config cache", () => {
  const app = useTestApp();

  it("sees every write through the shop store at once", async () => {
    // GIVEN a configured shop whose configuration the webhook path has cached
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: "EAA-token" }, Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.pixelIds).toEqual(["111"]);
    // (a write that bypasses the store is not seen: the cache really is in use)
    await app.context.database.db.updateTable("shops").set({ pixel_ids: '["bypass"]' }).where("shop", "=", SHOP).execute();
    expect((await app.context.shopConfigs.getShop(SHOP))?.pixelIds).toEqual(["111"]);

    // WHEN the store changes the pixel ids THEN the next read has them
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["222", "333"] }, Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.pixelIds).toEqual(["222", "333"]);

    await app.context.shops.markUninstalled(SHOP, Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.hasAccessToken).toBe(false);

    await app.context.shops.saveShopConfig(SHOP, { accessToken: "EAA-token-2" }, Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.hasAccessToken).toBe(true);
    await app.context.shops.deleteShop(SHOP);
    expect(await app.context.shopConfigs.getShop(SHOP)).toBeNull();
  });

  it("sees a shop paused through the store at once", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: "EAA-token" }, Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.enabled).toBe(true);

    await app.context.shops.saveShopConfig(SHOP, { enabled: false }, Date.now());

    expect((await app.context.shopConfigs.getShop(SHOP))?.enabled).toBe(false);
  });

  it("sees needs-attention marks through the store at once", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: "EAA-token" }, Date.now());
    await app.context.shopConfigs.getShop(SHOP);

    await app.context.shops.markNeedsAttention(SHOP, "invalid_token", Date.now());
    expect((await app.context.shopConfigs.getShop(SHOP))?.needsAttentionReason).toBe("invalid_token");

    await app.context.shops.clearNeedsAttention(SHOP);
    expect((await app.context.shopConfigs.getShop(SHOP))?.needsAttentionReason).toBeNull();
  });
});
