import { describe, expect, it } from "vitest";
import { readAttention } from "../../app/admin/attention.server";
import { plainPixelPause, plainShopPause, waitingLabel } from "../../app/admin/pause-words";
import { deadlineSentence } from "../../app/components/attention-banner";
import { useTestApp } from "../support/app";

const SHOP = "attention-shop.myshopify.com";
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 30, 12, 0); // 30 Nov 2026, 12:00 UTC

describe("pause words", () => {
  it("says each pause in a plain sentence, keeping Meta's text for details", () => {
    expect(plainShopPause("Meta error 190/463: Error validating access token: Session has expired. (fbtrace_id A)")).toMatch(/^Meta says the access token has expired/);
    expect(plainShopPause("Meta error 190/467: Error validating access token (fbtrace_id A)")).toMatch(/^Meta no longer accepts the access token/);
    expect(plainShopPause("Meta error 200: Permissions error")).toMatch(/lacks a permission/);
    expect(plainShopPause("Meta access token missing: reconnect the Conversions API in settings")).toMatch(/^No Conversions API access token is saved/);
    expect(plainPixelPause("42424242")).toMatch(/^Meta does not know pixel 42424242.*other pixels keep sending/);
    expect(waitingLabel({ shopPaused: true, pixelId: "1" })).toBe("waiting — shop paused");
    expect(waitingLabel({ shopPaused: false, pixelId: "42424242" })).toBe("waiting — pixel 42424242 paused");
  });
});

describe("readAttention", () => {
  const app = useTestApp();

  async function waiting(eventTimesMs: number[], destination = "meta:1234567890") {
    await app.context.outbox.enqueue(
      eventTimesMs.map((ms, n) => ({ shop: SHOP, destination, eventName: "Purchase", eventId: `${destination}_${n}`, provenance: "order_id" as const, orderId: `${n}`, orderName: `#${n}`, eventTime: Math.floor(ms / 1000), payload: { event_name: "Purchase" }, matchKeys: [], status: "pending" as const, nextAttemptAt: ms })),
      NOW,
    );
    await app.context.database.db.updateTable("deliveries").set({ status: "needs_attention" }).where("destination", "=", destination).execute();
  }

  it("dates the promise from the oldest waiting purchase and counts what that day would lose", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA" }, NOW - 3 * DAY);
    await app.context.shops.markNeedsAttention(SHOP, "Meta error 190/467: invalid", NOW - 3 * DAY);
    // GIVEN purchases from 4 days ago (two, an hour apart), 2 days ago, and 9 days ago (past the window)
    await waiting([NOW - 4 * DAY, NOW - 4 * DAY + 3_600_000, NOW - 2 * DAY, NOW - 9 * DAY]);

    const attention = await readAttention(app.context, SHOP, NOW);

    expect(attention).toMatchObject({ reason: "Meta error 190/467: invalid", pausedAt: NOW - 3 * DAY, paused: 4 });
    expect(attention.deadline).toEqual({ sendBy: NOW + 3 * DAY, atRisk: 2, waiting: 4, expired: 1 });
    expect(deadlineSentence(attention.deadline)).toBe(
      "Fix by 3 Dec, 12:00 UTC or 2 purchases can't be sent; 1 more has a later deadline. " +
        "1 purchase waited past Meta's 7-day limit and can no longer be sent.",
    );
  });

  it("with nothing waiting, dates the deadline from the pause and promises nothing", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA" }, NOW);
    await app.context.shops.markNeedsAttention(SHOP, "Meta error 190/467: invalid", NOW - DAY);
    const attention = await readAttention(app.context, SHOP, NOW);
    expect(attention.deadline).toEqual({ sendBy: NOW + 6 * DAY, atRisk: 0, waiting: 0, expired: 0 });
    expect(deadlineSentence(attention.deadline)).toBeNull();
  });

  it("gives each paused pixel its own deadline; a shop that is not paused has none", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890", "5555555555"], accessToken: "EAA" }, NOW);
    await app.context.shops.pauseDestination(SHOP, "meta:5555555555", "Meta error 100/33: Unsupported post request.", NOW - DAY);
    await waiting([NOW - 5 * DAY], "meta:5555555555");
    const attention = await readAttention(app.context, SHOP, NOW);
    expect(attention.deadline).toBeNull();
    expect(attention.pixels).toEqual([
      { pixelId: "5555555555", reason: "Meta error 100/33: Unsupported post request.", pausedAt: NOW - DAY, deadline: { sendBy: NOW + 2 * DAY, atRisk: 1, waiting: 1, expired: 0 } },
    ]);
  });
});
