import { describe, expect, it } from "vitest";
import type { NewDelivery } from "../../app/db/outbox-types";
import { UNCONFIGURED_DESTINATION } from "../../app/destinations/destination-key";
import { releaseHeldForConfiguredShops } from "../../app/delivery/release-held.server";
import { startRetentionSchedule } from "../../app/maintenance/schedule.server";
import { configureShop } from "../../app/shops/configure-shop.server";
import { useTestApp } from "../support/app";

const SHOP = "late-held.myshopify.com";
const OTHER = "still-unconfigured.myshopify.com";

const app = useTestApp();

function held(shop: string, eventId: string, nowMs: number): NewDelivery {
  return {
    shop,
    destination: UNCONFIGURED_DESTINATION,
    eventName: "Purchase",
    eventId,
    provenance: "note_attribute",
    orderId: eventId,
    orderName: `#${eventId}`,
    eventTime: Math.floor(nowMs / 1000) - 60,
    payload: { event_name: "Purchase", event_id: eventId },
    matchKeys: [],
    status: "held",
    nextAttemptAt: nowMs,
  };
}

async function statusOf(shop: string) {
  const { rows } = await app.context.outbox.list({ shop, limit: 100 });
  return rows.map((row) => [row.destination, row.status]).sort();
}

describe("events held past their shop's configuration", () => {
  it("are released by the sweep: a webhook that read 'not configured' just before configuring committed", async () => {
    const now = Date.now();
    // GIVEN the shop is configured (its fan-out found nothing held) ...
    await configureShop(app.context, SHOP, { pixelIds: ["111", "222"], accessToken: "EAAtoken" }, now);
    // ... and THEN the racing webhook's held row lands, plus one for a shop that is still unconfigured
    await app.context.outbox.enqueue([held(SHOP, "late", now), held(OTHER, "waiting", now)], now);
    expect(await app.context.outbox.shopsWithHeld()).toEqual(expect.arrayContaining([SHOP, OTHER]));

    // WHEN the sweep runs
    const result = await releaseHeldForConfiguredShops(app.context, now);

    // THEN the configured shop's event goes to each pixel (two rows released); the unconfigured shop's stays held
    expect(result).toEqual({ shops: 1, released: 2 });
    expect(await statusOf(SHOP)).toEqual([
      ["meta:111", "pending"],
      ["meta:222", "pending"],
    ]);
    expect(await statusOf(OTHER)).toEqual([[UNCONFIGURED_DESTINATION, "held"]]);
    expect(await app.context.outbox.shopsWithHeld()).toEqual([OTHER]);
  });

  it("run with the periodic maintenance pass where the worker runs", async () => {
    const now = Date.now();
    await configureShop(app.context, SHOP, { pixelIds: ["111"], accessToken: "EAAtoken" }, now);
    await app.context.outbox.enqueue([held(SHOP, "late", now)], now);

    const schedule = startRetentionSchedule(app.context, { now: () => now, intervalMs: 60_000 });
    await schedule.runNow();
    await schedule.stop();

    expect(await statusOf(SHOP)).toEqual([["meta:111", "pending"]]);
  });

  it("does nothing when nothing is held", async () => {
    expect(await releaseHeldForConfiguredShops(app.context, Date.now())).toEqual({ shops: 0, released: 0 });
  });
});
