import type { AppContext } from "../context.server";
import type { ShopConfig } from "../db/shops.server";
import { DEFAULT_STORED_PURCHASE_SETTINGS } from "../db/shop-settings";
import { configureShop } from "../shops/configure-shop.server";
import { activateWebPixel, webPixelSettingsJson, type GraphqlFn, type PixelActivationResult } from "../shopify/activate-web-pixel.server";
import { validateSettingsForm, type FieldErrors } from "./settings-form";

type Deps = Pick<AppContext, "shops" | "outbox" | "queue" | "logger">;

/** What the settings page renders: never the token itself, only whether one is stored. */
export type SettingsView = Pick<
  ShopConfig,
  "pixelIds" | "hasAccessToken" | "testEventCode" | "settings" | "enabled" | "needsAttentionReason"
>;

export function toSettingsView(config: ShopConfig | null): SettingsView {
  return {
    pixelIds: config?.pixelIds ?? [],
    hasAccessToken: config?.hasAccessToken ?? false,
    testEventCode: config?.testEventCode ?? null,
    settings: config?.settings ?? DEFAULT_STORED_PURCHASE_SETTINGS,
    enabled: config?.enabled ?? true,
    needsAttentionReason: config?.needsAttentionReason ?? null,
  };
}

export type WebPixelSync = { ok: true; action: "created" | "updated" | "unchanged" } | { ok: false; detail: string };

export type SaveSettingsResult =
  | { ok: false; errors: FieldErrors }
  | { ok: true; settings: SettingsView; webPixel: WebPixelSync };

function describeActivation(result: PixelActivationResult): WebPixelSync {
  return result.ok ? { ok: true, action: result.action } : { ok: false, detail: `${result.reason}: ${result.detail}` };
}

/**
 * Validates and saves the form, then pushes changed pixel settings (pixel ids, value rules, catalog id choice)
 * to the shop's web pixel. The settings are saved even if Shopify refuses the pixel update: the server path
 * works without it, and the page says what failed.
 */
export async function saveSettings(
  deps: Deps,
  shop: string,
  form: FormData,
  graphql: GraphqlFn,
  nowMs: number,
): Promise<SaveSettingsResult> {
  const before = await deps.shops.getShop(shop);
  const validation = validateSettingsForm(form, before?.hasAccessToken ?? false);
  if (!validation.ok) return { ok: false, errors: validation.errors };

  const after = await configureShop(deps, shop, validation.patch, nowMs);
  // The browser twin applies the value rules and content ids too, so a change to them re-activates the pixel.
  const pixelsChanged = before === null || webPixelSettingsJson(before) !== webPixelSettingsJson(after);
  let webPixel: WebPixelSync = { ok: true, action: "unchanged" };
  if (pixelsChanged) {
    try {
      webPixel = describeActivation(await activateWebPixel(graphql, after));
    } catch (error) {
      webPixel = { ok: false, detail: error instanceof Error ? error.message : "Shopify could not be reached" };
    }
    if (!webPixel.ok) deps.logger.warn({ shop, detail: webPixel.detail }, "web pixel settings not updated");
  }
  return { ok: true, settings: toSettingsView(after), webPixel };
}
