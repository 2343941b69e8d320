import type { Database } from "./connection.server";
import { createDestinationPauses } from "./destination-pauses.server";
import type { ShopRecord } from "./schema";
import {
  readPixelIds,
  readStoredSettings,
  stripUndefined,
  type StoredPurchaseSettings,
} from "./shop-settings";
import { decryptSecret, encryptSecret } from "./token-crypto.server";
import { ALERT_EMAIL_KEY, readAlertEmail } from "../alerts/alert-email";

export type ShopConfigPatch = {
  pixelIds?: string[];
  /** Meta Conversions API access token (stored encrypted). */
  accessToken?: string;
  /** null clears it. */
  testEventCode?: string | null;
  settings?: Partial<StoredPurchaseSettings>;
  enabled?: boolean;
  storefrontUrl?: string | null;
  /** Where alert emails go; null: the shop owner's email (docs/decisions/0021). */
  alertEmail?: string | null;
};

/** A shop's configuration without secrets: safe to render or log. */
export type ShopConfig = {
  shop: string;
  pixelIds: string[];
  hasAccessToken: boolean;
  testEventCode: string | null;
  settings: StoredPurchaseSettings;
  enabled: boolean;
  needsAttentionReason: string | null;
  needsAttentionAt: number | null;
  storefrontUrl: string | null;
  alertEmail: string | null;
  installedAt: number | null;
  uninstalledAt: number | null;
  createdAt: number;
  updatedAt: number;
};

export type ShopStore = ReturnType<typeof createShopStore>;

/** A paused shop's next token re-check: when it falls due and how many came before (decision 0025). */
export type TokenRecheck = { shop: string; recheckAt: number; rechecks: number };

/** Configured = events can be sent: at least one pixel and a Conversions API token. */
export function isShopConfigured(config: ShopConfig | null | undefined): config is ShopConfig {
  return config !== null && config !== undefined && config.pixelIds.length > 0 && config.hasAccessToken;
}

function toShopConfig(row: ShopRecord): ShopConfig {
  return {
    shop: row.shop,
    pixelIds: readPixelIds(row.pixel_ids),
    hasAccessToken: row.access_token_enc !== null,
    testEventCode: row.test_event_code,
    settings: readStoredSettings(row.settings),
    enabled: row.enabled === 1,
    needsAttentionReason: row.needs_attention_reason,
    needsAttentionAt: row.needs_attention_at,
    storefrontUrl: row.storefront_url,
    alertEmail: readAlertEmail(row.settings),
    installedAt: row.installed_at,
    uninstalledAt: row.uninstalled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** keys[0] encrypts; every key is tried on decrypt (rotation). */
export function createShopStore(database: Database, keys: readonly Buffer[]) {
  const [currentKey] = keys;
  if (currentKey === undefined) throw new Error("createShopStore needs at least one encryption key");
  const { db } = database;
  const pauses = createDestinationPauses(database);
  // Told after every write, so caches of shop configuration in this process (the webhook path's) forget it.
  const listeners = new Set<(shop: string) => void>();
  const changed = (shop: string) => listeners.forEach((listener) => listener(shop));

  async function getRow(shop: string): Promise<ShopRecord | undefined> {
    return db.selectFrom("shops").selectAll().where("shop", "=", shop).executeTakeFirst();
  }

  async function saveShopConfig(shop: string, patch: ShopConfigPatch, nowMs: number): Promise<ShopConfig> {
    const existing = await getRow(shop);
    const settings = { ...readStoredSettings(existing?.settings ?? "{}"), ...stripUndefined(patch.settings ?? {}) };
    // The alert address shares the settings column but not the purchase settings' reader: carried over here.
    const alertEmail = patch.alertEmail !== undefined ? patch.alertEmail : readAlertEmail(existing?.settings ?? "{}");
    const changes = {
      ...(patch.pixelIds !== undefined && { pixel_ids: JSON.stringify([...new Set(patch.pixelIds)]) }),
      ...(patch.accessToken !== undefined && { access_token_enc: encryptSecret(patch.accessToken, currentKey) }),
      ...(patch.testEventCode !== undefined && { test_event_code: patch.testEventCode }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.storefrontUrl !== undefined && { storefront_url: patch.storefrontUrl }),
      settings: JSON.stringify(alertEmail === null ? settings : { ...settings, [ALERT_EMAIL_KEY]: alertEmail }),
      updated_at: nowMs,
    };
    // Upsert: the first configure (CLI or settings page) may come before or after the install hook.
    await db
      .insertInto("shops")
      .values({ shop, pixel_ids: "[]", enabled: 1, installed_at: nowMs, created_at: nowMs, ...changes })
      .onConflict((oc) => oc.column("shop").doUpdateSet(changes))
      .execute();
    changed(shop);
    const row = await getRow(shop);
    if (row === undefined) throw new Error("shop row vanished after upsert");
    return toShopConfig(row);
  }

  async function getShop(shop: string): Promise<ShopConfig | null> {
    const row = await getRow(shop);
    return row === undefined ? null : toShopConfig(row);
  }

  async function getAccessToken(shop: string): Promise<string | null> {
    const row = await db.selectFrom("shops").select("access_token_enc").where("shop", "=", shop).executeTakeFirst();
    const encrypted = row?.access_token_enc ?? null;
    return encrypted === null ? null : decryptSecret(encrypted, keys);
  }

  /**
   * Pauses the shop. `tokenRecheckAt`: the pause is a token Meta refused twice (decision 0025), so the worker
   * asks Meta again from then on, with backoff, and lifts the pause itself once the token is accepted.
   */
  async function markNeedsAttention(shop: string, reason: string, nowMs: number, tokenRecheckAt?: number): Promise<void> {
    await db
      .updateTable("shops")
      .set({
        needs_attention_reason: reason,
        needs_attention_at: nowMs,
        updated_at: nowMs,
        ...(tokenRecheckAt !== undefined && { token_error_at: nowMs, token_recheck_at: tokenRecheckAt, token_rechecks: 0 }),
      })
      .where("shop", "=", shop)
      .execute();
    changed(shop);
  }

  async function clearNeedsAttention(shop: string): Promise<void> {
    await db
      .updateTable("shops")
      .set({ needs_attention_reason: null, needs_attention_at: null, token_error_at: null, token_recheck_at: null, token_rechecks: 0 })
      .where("shop", "=", shop)
      .execute();
    changed(shop);
  }

  /** Paused shops whose refused token is due to be asked about again (a handful of rows at most). */
  async function dueTokenRechecks(nowMs: number): Promise<TokenRecheck[]> {
    const rows = await db
      .selectFrom("shops")
      .select(["shop", "token_recheck_at", "token_rechecks"])
      .where("needs_attention_reason", "is not", null)
      .where("token_recheck_at", "<=", nowMs)
      .execute();
    return rows.map((row) => ({ shop: row.shop, recheckAt: Number(row.token_recheck_at), rechecks: Number(row.token_rechecks) }));
  }

  /** Takes one re-check and schedules the next; false when another worker took it first. */
  async function claimTokenRecheck(due: TokenRecheck, nextAt: number): Promise<boolean> {
    const result = await db
      .updateTable("shops")
      .set({ token_recheck_at: nextAt, token_rechecks: due.rechecks + 1 })
      .where("shop", "=", due.shop)
      .where("token_recheck_at", "=", due.recheckAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The app is gone from the shop: forget the Meta token now; shop/redact deletes the rest later. */
  async function markUninstalled(shop: string, nowMs: number): Promise<void> {
    await db
      .updateTable("shops")
      .set({ uninstalled_at: nowMs, access_token_enc: null, updated_at: nowMs })
      .where("shop", "=", shop)
      .execute();
    changed(shop);
  }

  async function deleteShop(shop: string): Promise<void> {
    await pauses.resumeDestinations(shop);
    await db.deleteFrom("shops").where("shop", "=", shop).execute();
    changed(shop);
  }

  async function listShops(): Promise<ShopConfig[]> {
    const rows = await db.selectFrom("shops").selectAll().orderBy("shop").execute();
    return rows.map(toShopConfig);
  }

  return {
    saveShopConfig,
    getShop,
    getAccessToken,
    markNeedsAttention,
    clearNeedsAttention,
    dueTokenRechecks,
    claimTokenRecheck,
    markUninstalled,
    deleteShop,
    listShops,
    // Narrower pauses than the shop-wide one above: one destination (pixel) each (decision 0016).
    ...pauses,
    onChange(listener: (shop: string) => void): void {
      listeners.add(listener);
    },
  };
}

/**
 * shop/redact, first step: the shop's sessions, pixel pauses and settings row (with the Meta token) go, so
 * nothing is sent for the shop from here on (the claim needs the settings row). A few rows: one statement each.
 */
export async function deleteShopRecords(database: Pick<Database, "db">, shop: string): Promise<void> {
  const { db } = database;
  await db.deleteFrom("sessions").where("shop", "=", shop).execute();
  await db.deleteFrom("destination_pauses").where("shop", "=", shop).execute();
  await db.deleteFrom("shops").where("shop", "=", shop).execute();
}
