import type { Outbox } from "../db/outbox.server";
import { isShopConfigured, type ShopStore } from "../db/shops.server";
import type { DeliveryQueue } from "./queue";

// Orders that arrived before a shop was configured are held, and configuring the shop fans them out. One
// race escapes that: a webhook that read "not configured" just before the configuration committed inserts
// its held row just after the fan-out ran. Nothing would ever release it. This sweep, run with the
// periodic maintenance where the worker runs, releases held rows of every shop that is configured by now
// (fanOutHeld marks any that could no longer reach Meta in time as dead "too old", as configuring does).

type Deps = {
  shops: Pick<ShopStore, "getShop">;
  outbox: Pick<Outbox, "shopsWithHeld" | "fanOutHeld">;
  queue: Pick<DeliveryQueue, "notify">;
  logger: { warn(fields: Record<string, unknown>, message: string): void };
};

export async function releaseHeldForConfiguredShops(deps: Deps, nowMs: number): Promise<{ shops: number; released: number }> {
  let shops = 0;
  let released = 0;
  for (const shop of await deps.outbox.shopsWithHeld()) {
    const config = await deps.shops.getShop(shop);
    if (!isShopConfigured(config)) continue;
    const result = await deps.outbox.fanOutHeld(shop, config.pixelIds, nowMs);
    if (result.released + result.tooOld === 0) continue;
    shops += 1;
    released += result.released;
    await deps.queue.notify(shop);
    deps.logger.warn({ shop, released: result.released, tooOld: result.tooOld }, "released events held past the shop's configuration");
  }
  return { shops, released };
}
