import { Session } from "@shopify/shopify-api";
import { beforeEach, describe, expect, it } from "vitest";
import { KyselySessionStorage } from "../../app/db/session-storage.server";
import { TEST_KEY, type GetTestDatabase } from "./contract-support";

// Modelled on the battery Shopify runs against each of its own session-storage adapters.
function offlineSession(id = "offline_shop-a.myshopify.com", shop = "shop-a.myshopify.com"): Session {
  return new Session({ id, shop, state: "state-1", isOnline: false, scope: "read_orders,write_pixels", accessToken: "shpat_offline_secret_123" });
}

function onlineSession(id = "online-1", shop = "shop-a.myshopify.com"): Session {
  return new Session({
    id,
    shop,
    state: "state-2",
    isOnline: true,
    scope: "read_orders",
    expires: new Date(Date.now() + 86_400_000),
    accessToken: "shpua_online_secret_456",
    onlineAccessInfo: {
      expires_in: 86_400,
      associated_user_scope: "read_orders",
      associated_user: {
        id: 902541635,
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@example.com",
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  });
}

export function sessionStorageContract(get: GetTestDatabase): void {
  describe("KyselySessionStorage", () => {
    let storage: KyselySessionStorage;
    beforeEach(() => {
      storage = new KyselySessionStorage(get().database, [TEST_KEY]);
    });

    it("stores and loads an offline session", async () => {
      const session = offlineSession();
      await expect(storage.storeSession(session)).resolves.toBe(true);
      const loaded = await storage.loadSession(session.id);
      expect(loaded).toBeInstanceOf(Session);
      expect(session.equals(loaded)).toBe(true);
      expect(loaded?.accessToken).toBe("shpat_offline_secret_123");
      expect(loaded?.isOnline).toBe(false);
    });

    it("round-trips expiry, scopes and the online user", async () => {
      const session = onlineSession();
      await storage.storeSession(session);
      const loaded = await storage.loadSession(session.id);
      expect(session.equals(loaded)).toBe(true);
      expect(loaded?.expires?.getTime()).toBe(session.expires?.getTime());
      expect(loaded?.isScopeIncluded("read_orders")).toBe(true);
      expect(loaded?.onlineAccessInfo?.associated_user).toMatchObject({
        id: 902541635,
        first_name: "Ada",
        email: "ada@example.com",
        email_verified: true,
        account_owner: true,
        collaborator: false,
        locale: "en",
      });
    });

    it("round-trips refresh tokens and their expiry", async () => {
      const session = offlineSession("offline_refresh");
      session.refreshToken = "refresh-secret-789";
      session.refreshTokenExpires = new Date(1_900_000_000_000);
      await storage.storeSession(session);
      const loaded = await storage.loadSession(session.id);
      expect(loaded?.refreshToken).toBe("refresh-secret-789");
      expect(loaded?.refreshTokenExpires?.getTime()).toBe(1_900_000_000_000);
    });

    it("reports an expired session as expired after loading", async () => {
      const session = onlineSession("expired-1");
      session.expires = new Date(Date.now() - 1000);
      await storage.storeSession(session);
      const loaded = await storage.loadSession("expired-1");
      expect(loaded?.isExpired()).toBe(true);
      expect(loaded?.isActive("read_orders")).toBe(false);
    });

    it("overwrites a session stored twice under the same id", async () => {
      const session = offlineSession();
      await storage.storeSession(session);
      session.scope = "read_orders,read_customers";
      session.accessToken = "shpat_rotated";
      await storage.storeSession(session);
      const loaded = await storage.loadSession(session.id);
      expect(loaded?.scope).toBe("read_orders,read_customers");
      expect(loaded?.accessToken).toBe("shpat_rotated");
      expect(await storage.findSessionsByShop(session.shop)).toHaveLength(1);
    });

    it("returns undefined for a missing session", async () => {
      await expect(storage.loadSession("does-not-exist")).resolves.toBeUndefined();
    });

    it("deletes one session and a list of sessions", async () => {
      await storage.storeSession(offlineSession("a"));
      await storage.storeSession(onlineSession("b"));
      await storage.storeSession(onlineSession("c"));
      await expect(storage.deleteSession("a")).resolves.toBe(true);
      await expect(storage.loadSession("a")).resolves.toBeUndefined();
      await expect(storage.deleteSessions(["b", "c"])).resolves.toBe(true);
      await expect(storage.loadSession("b")).resolves.toBeUndefined();
      await expect(storage.loadSession("c")).resolves.toBeUndefined();
      await expect(storage.deleteSession("never-stored")).resolves.toBe(true);
    });

    it("finds every session of a shop and only that shop", async () => {
      await storage.storeSession(offlineSession("offline_a", "shop-a.myshopify.com"));
      await storage.storeSession(onlineSession("online_a", "shop-a.myshopify.com"));
      await storage.storeSession(offlineSession("offline_b", "shop-b.myshopify.com"));
      const found = await storage.findSessionsByShop("shop-a.myshopify.com");
      expect(found.map((session) => session.id).sort()).toEqual(["offline_a", "online_a"]);
      await expect(storage.findSessionsByShop("nobody.myshopify.com")).resolves.toEqual([]);
    });

    it("keeps access tokens encrypted at rest", async () => {
      await storage.storeSession(onlineSession("enc-1"));
      const raw = await get().database.db.selectFrom("sessions").selectAll().where("id", "=", "enc-1").executeTakeFirstOrThrow();
      expect(raw.access_token).toMatch(/^v1:/);
      expect(JSON.stringify(raw)).not.toContain("shpua_online_secret_456");
    });
  });
}
