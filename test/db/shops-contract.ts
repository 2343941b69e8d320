import { beforeEach, describe, expect, it } from "vitest";
import { createShopStore, type ShopStore } from "../../app/db/shops.server";
import { createWebhookReceipts } from "../../app/db/webhook-receipts.server";
import { reencryptSecrets } from "../../app/db/reencrypt-secrets.server";
import { KyselySessionStorage } from "../../app/db/session-storage.server";
import { decryptSecret, encryptSecret } from "../../app/db/token-crypto.server";
import { Session } from "@shopify/shopify-api";
import { OLD_KEY, TEST_KEY, type GetTestDatabase } from "./contract-support";

const SHOP = "shop-a.myshopify.com";
const CAPI_TOKEN = "EAAB-capi-token-secret";

export function shopsContract(get: GetTestDatabase): void {
  describe("shop store", () => {
    let shops: ShopStore;
    beforeEach(() => {
      shops = createShopStore(get().database, [TEST_KEY, OLD_KEY]);
    });

    it("creates a shop with defaults and never exposes the token in its config", async () => {
      const config = await shops.saveShopConfig(SHOP, { pixelIds: ["111", "222"], accessToken: CAPI_TOKEN }, 1000);
      expect(config).toMatchObject({
        shop: SHOP,
        pixelIds: ["111", "222"],
        hasAccessToken: true,
        testEventCode: null,
        enabled: true,
        needsAttentionReason: null,
        installedAt: 1000,
        createdAt: 1000,
        settings: { valueSource: "presentment", includeShipping: true, includeTax: true, unknownConsent: "send" },
      });
      expect(JSON.stringify(await shops.getShop(SHOP))).not.toContain(CAPI_TOKEN);
      await expect(shops.getAccessToken(SHOP)).resolves.toBe(CAPI_TOKEN);
    });

    it("stores the CAPI token encrypted at rest", async () => {
      await shops.saveShopConfig(SHOP, { accessToken: CAPI_TOKEN }, 1000);
      const raw = await get().database.db.selectFrom("shops").selectAll().where("shop", "=", SHOP).executeTakeFirstOrThrow();
      expect(raw.access_token_enc).toMatch(/^v1:/);
      expect(JSON.stringify(raw)).not.toContain(CAPI_TOKEN);
    });

    it("decrypts a token written under a previous key", async () => {
      await shops.saveShopConfig(SHOP, {}, 1000);
      await get().database.db.updateTable("shops").set({ access_token_enc: encryptSecret("old-token", OLD_KEY) }).execute();
      await expect(shops.getAccessToken(SHOP)).resolves.toBe("old-token");
    });

    it("re-encrypts every stored secret under the current key (rotation step 2)", async () => {
      // GIVEN a shop token and a session token written under the old key
      const oldShops = createShopStore(get().database, [OLD_KEY]);
      await oldShops.saveShopConfig(SHOP, { accessToken: CAPI_TOKEN }, 1000);
      const oldSessions = new KyselySessionStorage(get().database, [OLD_KEY]);
      await oldSessions.storeSession(new Session({ id: "s1", shop: SHOP, state: "x", isOnline: false, accessToken: "shpat_x" }));
      // WHEN secrets are re-encrypted with the new key first
      await expect(reencryptSecrets(get().database, [TEST_KEY, OLD_KEY])).resolves.toEqual({ sessions: 1, shops: 1 });
      await expect(reencryptSecrets(get().database, [TEST_KEY, OLD_KEY])).resolves.toEqual({ sessions: 0, shops: 0 });
      // THEN the new key alone reads them
      const raw = await get().database.db.selectFrom("shops").select("access_token_enc").executeTakeFirstOrThrow();
      expect(decryptSecret(raw.access_token_enc ?? "", [TEST_KEY])).toBe(CAPI_TOKEN);
      const newOnly = new KyselySessionStorage(get().database, [TEST_KEY]);
      expect((await newOnly.loadSession("s1"))?.accessToken).toBe("shpat_x");
    });

    it("patches only the given fields and merges partial settings", async () => {
      await shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: CAPI_TOKEN, testEventCode: "TEST123" }, 1000);
      const config = await shops.saveShopConfig(SHOP, { settings: { includeShipping: false }, storefrontUrl: "https://a.example" }, 2000);
      expect(config.pixelIds).toEqual(["111"]);
      expect(config.testEventCode).toBe("TEST123");
      expect(config.hasAccessToken).toBe(true);
      expect(config.settings).toEqual({
        valueSource: "presentment",
        includeShipping: false,
        includeTax: true,
        unknownConsent: "send",
        noShopperOrders: "recurring_event",
        sendOn: "paid",
        veryLatePayments: "payment_time",
        contentId: "variant",
        catalogCountry: "",
      });
      expect(config.storefrontUrl).toBe("https://a.example");
      expect(config.createdAt).toBe(1000);
      expect(config.updatedAt).toBe(2000);
      const cleared = await shops.saveShopConfig(SHOP, { testEventCode: null, enabled: false, settings: { unknownConsent: "skip" } }, 3000);
      expect(cleared.testEventCode).toBeNull();
      expect(cleared.enabled).toBe(false);
      expect(cleared.settings.includeShipping).toBe(false);
      expect(cleared.settings.unknownConsent).toBe("skip");
    });

    it("keeps the alert email across other saves, and clears it with null", async () => {
      await shops.saveShopConfig(SHOP, { alertEmail: "ops@example.com" }, 1000);
      const saved = await shops.saveShopConfig(SHOP, { pixelIds: ["111"], settings: { includeTax: false } }, 2000);
      expect(saved.alertEmail).toBe("ops@example.com");
      expect(saved.settings.includeTax).toBe(false);
      expect((await shops.saveShopConfig(SHOP, { alertEmail: null }, 3000)).alertEmail).toBeNull();
    });

    it("flags and clears needs-attention", async () => {
      await shops.saveShopConfig(SHOP, {}, 1000);
      await shops.markNeedsAttention(SHOP, "meta_token_invalid", 5000);
      expect(await shops.getShop(SHOP)).toMatchObject({ needsAttentionReason: "meta_token_invalid", needsAttentionAt: 5000 });
      await shops.clearNeedsAttention(SHOP);
      expect(await shops.getShop(SHOP)).toMatchObject({ needsAttentionReason: null, needsAttentionAt: null });
    });

    it("drops the CAPI token on uninstall", async () => {
      await shops.saveShopConfig(SHOP, { accessToken: CAPI_TOKEN }, 1000);
      await shops.markUninstalled(SHOP, 9000);
      expect(await shops.getShop(SHOP)).toMatchObject({ uninstalledAt: 9000, hasAccessToken: false });
      await expect(shops.getAccessToken(SHOP)).resolves.toBeNull();
    });

    it("lists and deletes shops; a missing shop is null", async () => {
      await shops.saveShopConfig("b.myshopify.com", {}, 1000);
      await shops.saveShopConfig("a.myshopify.com", {}, 1000);
      expect((await shops.listShops()).map((shop) => shop.shop)).toEqual(["a.myshopify.com", "b.myshopify.com"]);
      await shops.deleteShop("a.myshopify.com");
      await expect(shops.getShop("a.myshopify.com")).resolves.toBeNull();
      await expect(shops.getAccessToken("a.myshopify.com")).resolves.toBeNull();
    });
  });

  describe("webhook receipts", () => {
    it("records a webhook id once per shop and topic", async () => {
      const receipts = createWebhookReceipts(get().database);
      await expect(receipts.has(SHOP, "orders/paid", "wh-1")).resolves.toBe(false);
      await expect(receipts.record(SHOP, "orders/paid", "wh-1", 1000)).resolves.toBe(true);
      await expect(receipts.has(SHOP, "orders/paid", "wh-1")).resolves.toBe(true);
      await expect(receipts.has(SHOP, "orders/create", "wh-1")).resolves.toBe(false);
      await expect(receipts.record(SHOP, "orders/paid", "wh-1", 1001)).resolves.toBe(false);
      await expect(receipts.record(SHOP, "orders/create", "wh-1", 1002)).resolves.toBe(true);
      await expect(receipts.record("other.myshopify.com", "orders/paid", "wh-1", 1003)).resolves.toBe(true);
    });

    it("purges receipts older than the cutoff only", async () => {
      const receipts = createWebhookReceipts(get().database);
      await receipts.record(SHOP, "orders/paid", "old", 1000);
      await receipts.record(SHOP, "orders/paid", "new", 5000);
      await expect(receipts.purgeOlderThan(2000)).resolves.toBe(1);
      await expect(receipts.record(SHOP, "orders/paid", "old", 6000)).resolves.toBe(true);
      await expect(receipts.record(SHOP, "orders/paid", "new", 6000)).resolves.toBe(false);
    });
  });
}
