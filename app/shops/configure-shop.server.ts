import type { Services } from "../services";
import { metaDestination, withPixelIds } from "../destinations/destination-key";
import { isShopConfigured, type ShopConfig, type ShopConfigPatch } from "../db/shops.server";
import { MISSING_PIXEL } from "../delivery/outcome-reason";
import { accessCheckFromEnv, verifyCredentials, type CredentialCheck } from "./verify-credentials.server";

// What the settings page and `tandem shops:configure` both do. Saving a configuration is also what
// releases work that was waiting for it: orders held while the shop had no pixel or token fan out to
// the configured pixels. A pause lifts only when the credentials it is about changed and Meta confirmed
// them with one read (decision 0022): the shop's (token) pause when a new token is accepted (or, when it
// was paused for having no pixel, when pixels are added), a pixel's pause when a new token reaches that
// pixel or the pixel is removed. Saving anything else leaves every pause as it is.

type Deps = Pick<Services, "shops" | "outbox" | "queue" | "logger" | "env">;

export async function configureShop(
  deps: Deps,
  shop: string,
  patch: ShopConfigPatch,
  nowMs: number,
  /** What Meta said about the saved credentials, when the caller already asked (the settings page). */
  checked?: CredentialCheck,
): Promise<ShopConfig> {
  const before = await deps.shops.getShop(shop);
  await deps.shops.saveShopConfig(shop, patch, nowMs);
  const after = await deps.shops.getShop(shop);
  if (!after) throw new Error(`shop ${shop} vanished while it was being configured`);

  if (isShopConfigured(after)) {
    await deps.outbox.fanOutHeld(shop, after.pixelIds, nowMs);
    const lifted = await liftConfirmedPauses(deps, before, after, patch, checked);
    // Waiting rows are released only when nothing shop-wide still holds them: a paused shop is never
    // claimed, so rows made due under it would wait with no reason shown.
    const stillPaused = (await deps.shops.getShop(shop))?.needsAttentionReason ?? null;
    if (lifted && stillPaused === null) await deps.outbox.resumeShop(shop, nowMs);
    await deps.queue.notify(shop);
  }
  deps.logger.info({ shop, pixels: after.pixelIds.length, token: after.hasAccessToken }, "shop configured");
  return (await deps.shops.getShop(shop)) ?? after;
}

function samePixels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** Lifts the pauses the saved credentials answer, after Meta confirmed them. Returns whether any lifted. */
async function liftConfirmedPauses(
  deps: Deps,
  before: ShopConfig | null,
  after: ShopConfig,
  patch: ShopConfigPatch,
  checked: CredentialCheck | undefined,
): Promise<boolean> {
  const tokenChanged = patch.accessToken !== undefined;
  const pixelsChanged = !samePixels(before?.pixelIds ?? [], after.pixelIds);
  const shopReason = after.needsAttentionReason;
  const pixelPauses = withPixelIds(await deps.shops.listDestinationPauses(after.shop));

  let lifted = false;
  // A paused pixel that is no longer configured has nothing left to confirm.
  for (const pause of pixelPauses) {
    if (!after.pixelIds.includes(pause.pixelId)) lifted = (await deps.shops.resumeDestination(after.shop, pause.destination)) || lifted;
  }
  const shopPauseAnswered = shopReason !== null && (tokenChanged || (shopReason === MISSING_PIXEL && pixelsChanged));
  const pixelPausesAnswered = tokenChanged && pixelPauses.some((pause) => after.pixelIds.includes(pause.pixelId));
  if (!shopPauseAnswered && !pixelPausesAnswered) return lifted;

  const check = checked ?? (await askMeta(deps, after));
  if (check === null) return lifted;
  if (shopPauseAnswered && check.tokenConfirmed) {
    await deps.shops.clearNeedsAttention(after.shop);
    lifted = true;
  }
  if (tokenChanged) {
    for (const pixelId of check.confirmedPixels) {
      lifted = (await deps.shops.resumeDestination(after.shop, metaDestination(pixelId))) || lifted;
    }
  }
  if (!check.tokenConfirmed || check.unreachable) {
    deps.logger.warn({ shop: after.shop, refused: check.tokenRefused?.code ?? null, unreachable: check.unreachable !== null }, "pause kept: credentials not confirmed by Meta");
  }
  return lifted;
}

async function askMeta(deps: Deps, config: ShopConfig): Promise<CredentialCheck | null> {
  const accessToken = await deps.shops.getAccessToken(config.shop);
  if (accessToken === null) return null;
  return verifyCredentials(accessCheckFromEnv(deps.env), { pixelIds: config.pixelIds, accessToken });
}
