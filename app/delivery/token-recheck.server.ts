import type { MetaGraphClient } from "../destinations/meta/types";
import { verifyCredentials } from "../shops/verify-credentials.server";
import type { DeliveryLogger, DeliveryOutbox, DeliveryShops } from "./ports";

// A shop paused because Meta refused its token twice (decision 0025) is asked about again with backoff: first
// `firstMs` after the pause, then twice as long each time, at most `capMs`. A token Meta accepts again (fixed
// in Business Manager, or a refusal Meta reported by mistake) lifts the pause and sends the waiting events,
// without the merchant saving the token again. Saving a token clears the schedule (clearNeedsAttention).

export const TOKEN_RECHECK_FIRST_MS = 5 * 60_000;
export const TOKEN_RECHECK_CAP_MS = 6 * 60 * 60_000;

export type TokenRecheckSchedule = { firstMs: number; capMs: number };

export function nextTokenRecheckDelay(rechecksDone: number, schedule: TokenRecheckSchedule): number {
  return Math.min(schedule.capMs, schedule.firstMs * 2 ** Math.min(rechecksDone, 30));
}

export type TokenRecheckDeps = {
  shops: DeliveryShops;
  outbox: Pick<DeliveryOutbox, "resumeShop">;
  client: MetaGraphClient;
  logger: DeliveryLogger;
  now: () => number;
  schedule: TokenRecheckSchedule;
};

/** Re-checks every due paused shop once. Returns the shops whose pause it lifted. */
export async function recheckPausedTokens(deps: TokenRecheckDeps): Promise<string[]> {
  const checkAccess = deps.client.checkAccess?.bind(deps.client);
  if (checkAccess === undefined) return [];
  const lifted: string[] = [];
  for (const due of await deps.shops.dueTokenRechecks(deps.now())) {
    const nowMs = deps.now();
    // The next re-check is scheduled before asking, so a worker that dies meanwhile does not stop them.
    const nextAt = nowMs + nextTokenRecheckDelay(due.rechecks + 1, deps.schedule);
    if (!(await deps.shops.claimTokenRecheck(due, nextAt))) continue;
    const shop = await deps.shops.getShop(due.shop);
    const accessToken = await deps.shops.getAccessToken(due.shop);
    if (shop === null || accessToken === null || shop.pixelIds.length === 0) continue;
    const check = await verifyCredentials(checkAccess, { pixelIds: shop.pixelIds, accessToken });
    if (!check.tokenConfirmed) {
      deps.logger.info({ shop: due.shop, rechecks: due.rechecks + 1, nextAt }, "access token still refused by Meta");
      continue;
    }
    await deps.shops.clearNeedsAttention(due.shop);
    await deps.outbox.resumeShop(due.shop, deps.now());
    lifted.push(due.shop);
    deps.logger.info({ shop: due.shop, rechecks: due.rechecks + 1 }, "access token accepted again: pause lifted");
  }
  return lifted;
}
