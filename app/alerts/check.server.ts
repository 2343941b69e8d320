import type { Logger } from "../logger.server";
import type { AlertLog } from "../db/alerts.server";
import type { ShopConfig } from "../db/shops.server";
import type { DestinationPause } from "../db/destination-pauses.server";
import { withPixelIds } from "../destinations/destination-key";
import type { GraphqlFn } from "../shopify/activate-web-pixel.server";
import { countPaidOrders } from "../shopify/order-count.server";
import { readShopContact, type ShopContact } from "../shopify/shop-contact.server";
import { DELIVERIES_LOW, isDayLow, LOW_DAY_CHECK_FROM_HOUR, pixelPausedKey, type AlertCause, type PauseCause } from "./causes";
import { zonedDateString, zonedDayBounds, zonedHour } from "../admin/zoned-days";
import { composeAlertEmail } from "./message";
import type { Mailer } from "./mailer.server";
import { errorMessage } from "../lib/error-message";

// One pass over every installed shop: a pause (the shop's token, or one pixel) and a day whose deliveries fell
// well below Shopify's order count each become an email, at most once per cause per day (alert_log). Every
// failure is logged and left for the next pass; nothing here throws into the caller.

/** The shop's email and time zone are asked again after this long. */
const CONTACT_TTL_MS = 6 * 60 * 60 * 1000;
/** alert_log rows older than this are deleted. */
const ALERT_LOG_KEEP_MS = 40 * 24 * 60 * 60 * 1000;

export type AlertCheckDeps = {
  shops: {
    listShops(): Promise<ShopConfig[]>;
    listDestinationPauses(shop: string): Promise<DestinationPause[]>;
  };
  outbox: { countByStatus(shop: string): Promise<Record<string, number>> };
  alertLog: AlertLog;
  mailer: Mailer;
  logger: Logger;
  /** The shop's Admin GraphQL through its offline session; throws when there is none. */
  adminFor(shop: string): Promise<GraphqlFn>;
  apiKey: string;
  /** Between shops, waits while this says the process is busy (with webhooks). */
  busy?: () => boolean;
};

export type AlertCheckResult = { sent: number; failed: number; skippedShops: number };

export type AlertChecker = { run(nowMs: number): Promise<AlertCheckResult> };

async function whileBusy(busy: (() => boolean) | undefined): Promise<void> {
  for (let waited = 0; busy?.() && waited < 50; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
}

export function createAlertChecker(deps: AlertCheckDeps): AlertChecker {
  const contacts = new Map<string, { contact: ShopContact; at: number }>();

  async function contactOf(shop: string, nowMs: number): Promise<ShopContact | null> {
    const cached = contacts.get(shop);
    if (cached && nowMs - cached.at < CONTACT_TTL_MS) return cached.contact;
    const read = await readShopContact(await deps.adminFor(shop));
    if (read.kind !== "contact") {
      deps.logger.warn({ shop, detail: read.detail }, "alerts: could not read the shop's email and time zone");
      return null;
    }
    contacts.set(shop, { contact: read.contact, at: nowMs });
    return read.contact;
  }

  async function pauseCauses(config: ShopConfig): Promise<PauseCause[]> {
    const causes: PauseCause[] = [];
    if (config.needsAttentionReason !== null) {
      const [counts, oldest] = await Promise.all([deps.outbox.countByStatus(config.shop), deps.alertLog.oldestWaiting(config.shop)]);
      causes.push({
        kind: "shop_paused",
        key: "shop_paused",
        reason: config.needsAttentionReason,
        pausedAt: config.needsAttentionAt ?? Date.now(),
        waiting: counts.needs_attention ?? 0,
        oldestWaitingMs: oldest === null ? null : oldest * 1000,
      });
    }
    for (const { pixelId, ...pause } of withPixelIds(await deps.shops.listDestinationPauses(config.shop))) {
      const oldest = await deps.alertLog.oldestWaiting(config.shop, pause.destination);
      causes.push({ kind: "pixel_paused", key: pixelPausedKey(pixelId), pixelId, reason: pause.reason, pausedAt: pause.pausedAt, oldestWaitingMs: oldest === null ? null : oldest * 1000 });
    }
    return causes;
  }

  /** Sends one cause's email unless this (shop, cause, day) was already claimed; true when it went out. */
  async function sendOnce(config: ShopConfig, contact: ShopContact, cause: AlertCause, day: string, nowMs: number): Promise<"sent" | "already" | "failed"> {
    const { alertLog } = deps;
    if (!(await alertLog.claim(config.shop, cause.key, day, nowMs))) return "already";
    const email = composeAlertEmail(cause, { shop: config.shop, shopName: contact.name, timeZone: contact.timeZone, apiKey: deps.apiKey, nowMs });
    try {
      await deps.mailer.send({ to: config.alertEmail ?? contact.email, ...email });
    } catch (error) {
      await alertLog.release(config.shop, cause.key, day);
      deps.logger.warn({ shop: config.shop, cause: cause.key, err: errorMessage(error) }, "alerts: sending the email failed; the next check tries again");
      return "failed";
    }
    await alertLog.finish(config.shop, cause.key, day, "sent", nowMs);
    deps.logger.info({ shop: config.shop, cause: cause.key, day }, "alerts: email sent");
    return "sent";
  }

  /** Yesterday (shop time), once it is old enough to judge: Shopify's count against Tandem's. */
  async function lowDayCause(config: ShopConfig, contact: ShopContact, nowMs: number): Promise<{ cause: AlertCause; day: string } | null> {
    if (zonedHour(nowMs, contact.timeZone) < LOW_DAY_CHECK_FROM_HOUR) return null;
    // Two days ending today: [yesterday's start, today's start, tomorrow's start).
    const [fromMs, toMs] = zonedDayBounds(nowMs, 2, contact.timeZone);
    const day = zonedDateString(fromMs, contact.timeZone);
    // Only days Tandem was installed and configured for from their start.
    if (config.installedAt === null || config.installedAt > fromMs || config.createdAt > fromMs) return null;
    if (await deps.alertLog.has(config.shop, DELIVERIES_LOW, day)) return null;
    const counted = await countPaidOrders(await deps.adminFor(config.shop), fromMs, toMs);
    if (counted.kind !== "count") {
      deps.logger.warn({ shop: config.shop, day, detail: counted.detail }, "alerts: could not count the shop's orders");
      return null;
    }
    const tandem = await deps.alertLog.countDay(config.shop, fromMs, toMs);
    if (!isDayLow(counted.count, tandem.accountedFor)) {
      await deps.alertLog.finish(config.shop, DELIVERIES_LOW, day, "checked", nowMs);
      return null;
    }
    return {
      day,
      cause: { kind: DELIVERIES_LOW, key: DELIVERIES_LOW, day, dayEndMs: toMs, shopifyOrders: counted.count, ...tandem },
    };
  }

  async function checkShop(config: ShopConfig, nowMs: number, result: AlertCheckResult): Promise<void> {
    const pauses = await pauseCauses(config);
    const dayCheckDue = config.enabled && config.pixelIds.length > 0 && config.hasAccessToken && config.needsAttentionReason === null;
    if (pauses.length === 0 && !dayCheckDue) return;
    const contact = await contactOf(config.shop, nowMs);
    if (contact === null) {
      result.skippedShops += 1;
      return;
    }
    const today = zonedDateString(nowMs, contact.timeZone);
    const count = (outcome: "sent" | "already" | "failed") => {
      if (outcome === "sent") result.sent += 1;
      if (outcome === "failed") result.failed += 1;
    };
    for (const cause of pauses) count(await sendOnce(config, contact, cause, today, nowMs));
    if (dayCheckDue) {
      const low = await lowDayCause(config, contact, nowMs);
      if (low !== null) count(await sendOnce(config, contact, low.cause, low.day, nowMs));
    }
  }

  return {
    async run(nowMs) {
      const result: AlertCheckResult = { sent: 0, failed: 0, skippedShops: 0 };
      try {
        await deps.alertLog.deleteBefore(nowMs - ALERT_LOG_KEEP_MS);
        const shops = await deps.shops.listShops();
        for (const config of shops) {
          if (config.uninstalledAt !== null) continue;
          await whileBusy(deps.busy);
          try {
            await checkShop(config, nowMs, result);
          } catch (error) {
            result.skippedShops += 1;
            deps.logger.warn({ shop: config.shop, err: errorMessage(error) }, "alerts: checking the shop failed");
          }
        }
      } catch (error) {
        deps.logger.warn({ err: errorMessage(error) }, "alerts: the check failed");
      }
      return result;
    },
  };
}
