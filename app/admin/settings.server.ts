import type { Services } from "../services";
import type { ShopConfig } from "../db/shops.server";
import { DEFAULT_STORED_PURCHASE_SETTINGS } from "../db/shop-settings";
import { configureShop } from "../shops/configure-shop.server";
import { accessCheckFromEnv, verifyCredentials, type CredentialCheck } from "../shops/verify-credentials.server";
import type { MetaAccessCheck } from "../destinations/meta/check-access.server";
import { activateWebPixel, collectorUrlFor, webPixelSettingsJson, type GraphqlFn, type PixelActivationResult } from "../shopify/activate-web-pixel.server";
import { validateSettingsForm, type FieldErrors } from "./settings-form";

type Deps = Pick<Services, "shops" | "outbox" | "queue" | "logger" | "env"> & {
  /** Asks Meta whether a token reaches a pixel; by default the Graph API the environment names. */
  checkAccess?: MetaAccessCheck;
};

/** What the settings page renders: never the token itself, only whether one is stored. */
export type SettingsView = Pick<
  ShopConfig,
  "pixelIds" | "hasAccessToken" | "testEventCode" | "settings" | "enabled" | "needsAttentionReason" | "alertEmail"
>;

export function toSettingsView(config: ShopConfig | null): SettingsView {
  return {
    pixelIds: config?.pixelIds ?? [],
    hasAccessToken: config?.hasAccessToken ?? false,
    testEventCode: config?.testEventCode ?? null,
    settings: config?.settings ?? DEFAULT_STORED_PURCHASE_SETTINGS,
    enabled: config?.enabled ?? true,
    needsAttentionReason: config?.needsAttentionReason ?? null,
    alertEmail: config?.alertEmail ?? null,
  };
}

export type WebPixelSync = { ok: true; action: "created" | "updated" | "unchanged" } | { ok: false; detail: string };

export type SaveSettingsResult =
  | { ok: false; errors: FieldErrors }
  | { ok: true; settings: SettingsView; webPixel: WebPixelSync; tokenVerified: boolean };

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

  const { patch } = validation;
  // A new token, or a pixel the shop did not have, is checked with Meta before anything is stored: a
  // mistyped token or pixel id is refused here with a plain message instead of failing the next order.
  const newPixels = (patch.pixelIds ?? []).filter((id) => !(before?.pixelIds ?? []).includes(id));
  let checked: CredentialCheck | undefined;
  if (patch.accessToken !== undefined || newPixels.length > 0) {
    const accessToken = patch.accessToken ?? (await deps.shops.getAccessToken(shop));
    if (accessToken !== null) {
      checked = await verifyCredentials(deps.checkAccess ?? accessCheckFromEnv(deps.env), { pixelIds: patch.pixelIds ?? [], accessToken });
      const refused = refusalOf(checked, patch.accessToken !== undefined);
      if (refused !== null) return { ok: false, errors: refused };
    }
  }

  const after = await configureShop(deps, shop, patch, nowMs, checked);
  // The browser twin applies the value rules and content ids too, so a change to them re-activates the pixel.
  const pixelsChanged = before === null || webPixelSettingsJson(before) !== webPixelSettingsJson(after);
  let webPixel: WebPixelSync = { ok: true, action: "unchanged" };
  if (pixelsChanged) {
    try {
      // The collector URL rides along, or a settings save would drop what install wrote (decision 0027).
      webPixel = describeActivation(await activateWebPixel(graphql, after, collectorUrlFor(deps.env.SHOPIFY_APP_URL)));
    } catch (error) {
      webPixel = { ok: false, detail: error instanceof Error ? error.message : "Shopify could not be reached" };
    }
    if (!webPixel.ok) deps.logger.warn({ shop, detail: webPixel.detail }, "web pixel settings not updated");
  }
  return { ok: true, settings: toSettingsView(after), webPixel, tokenVerified: patch.accessToken !== undefined };
}

/** Field errors for credentials Meta did not confirm, in the merchant's words; null when all were confirmed. */
export function refusalOf(check: CredentialCheck, tokenEntered: boolean): FieldErrors | null {
  if (check.tokenRefused !== null) {
    return {
      accessToken: tokenEntered
        ? "Meta did not accept this access token. Copy it again from Events Manager (no spaces), or generate a new one. Nothing was saved."
        : "Meta no longer accepts the saved access token. Paste a new one from Events Manager. Nothing was saved.",
    };
  }
  if (check.unreachable !== null) {
    const message = "Meta could not be reached to check the token, so nothing was saved. Try again in a minute.";
    return tokenEntered ? { accessToken: message } : { pixelIds: message };
  }
  if (check.unknownPixels.length > 0) {
    const ids = check.unknownPixels.map((pixel) => pixel.pixelId).join(", ");
    return {
      pixelIds:
        `Meta does not know pixel ${ids}, or this token cannot reach it. Check the ID in Events Manager → Data sources → ` +
        "your dataset → Settings, and that the token was generated there. Nothing was saved.",
    };
  }
  return null;
}
