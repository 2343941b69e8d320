import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateSettingsForm } from "../../app/admin/settings-form";
import { saveSettings } from "../../app/admin/settings.server";
import type { AppContext } from "../../app/context.server";
import { openTestApp } from "../support/app-context";
import { createFakeAdmin } from "./fake-admin-graphql";

const SHOP = "settings-shop.myshopify.com";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  const base = { pixelIds: "1234567890", accessToken: "EAA-secret-token", testEventCode: "", valueSource: "presentment", unknownConsent: "send" };
  for (const [key, value] of Object.entries({ ...base, ...fields })) data.set(key, value);
  return data;
}

describe("validateSettingsForm", () => {
  it("accepts several pixel ids separated by commas or spaces, and reads checkboxes by presence", () => {
    const data = form({ pixelIds: "1234567890, 9876543210 1234567890", includeShipping: "on", enabled: "on" });
    const result = validateSettingsForm(data, false);
    expect(result).toEqual({
      ok: true,
      patch: {
        pixelIds: ["1234567890", "9876543210", "1234567890"],
        accessToken: "EAA-secret-token",
        testEventCode: null,
        settings: { valueSource: "presentment", includeShipping: true, includeTax: false, unknownConsent: "send" },
        enabled: true,
      },
    });
  });

  it("reports each bad field under its own name", () => {
    const result = validateSettingsForm(form({ pixelIds: "12ab", accessToken: "", testEventCode: "has space", valueSource: "euros", unknownConsent: "maybe" }), false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["accessToken", "pixelIds", "testEventCode", "unknownConsent", "valueSource"]);
    expect(result.errors.pixelIds).toMatch(/6 to 20 digits/);
    expect(result.errors.accessToken).toMatch(/Paste a Conversions API access token/);
  });

  it("keeps the catalog content id with its country, and asks for a country for Shopify-style ids", () => {
    const shopify = validateSettingsForm(form({ contentId: "shopify", catalogCountry: " us " }), true);
    expect(shopify.ok && shopify.patch.settings).toMatchObject({ contentId: "shopify", catalogCountry: "US" });
    const sku = validateSettingsForm(form({ contentId: "sku", catalogCountry: "US" }), true);
    expect(sku.ok && sku.patch.settings).toMatchObject({ contentId: "sku", catalogCountry: "" });
    const missing = validateSettingsForm(form({ contentId: "shopify", catalogCountry: "" }), true);
    expect(missing.ok ? null : missing.errors.catalogCountry).toMatch(/country code/);
    const bad = validateSettingsForm(form({ contentId: "gtin", catalogCountry: "USA" }), true);
    expect(bad.ok ? [] : Object.keys(bad.errors).sort()).toEqual(["catalogCountry", "contentId"]);
  });

  it("requires at least one pixel id", () => {
    const result = validateSettingsForm(form({ pixelIds: "  " }), true);
    expect(result.ok ? null : result.errors.pixelIds).toMatch(/at least one/);
  });

  it("keeps the stored token when the write-only field is left blank", () => {
    const result = validateSettingsForm(form({ accessToken: "" }), true);
    expect(result.ok && "accessToken" in result.patch).toBe(false);
    expect(result.ok).toBe(true);
  });
});

describe("saveSettings", () => {
  let context: AppContext;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ context, cleanup } = await openTestApp());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("stores the token encrypted, creates the web pixel, and updates it only when pixel ids change", async () => {
    const admin = createFakeAdmin();
    const first = await saveSettings(context, SHOP, form({ enabled: "on" }), admin.graphql, Date.now());
    expect(first).toMatchObject({ ok: true, webPixel: { ok: true, action: "created" }, settings: { pixelIds: ["1234567890"], hasAccessToken: true } });
    expect(JSON.stringify(first)).not.toContain("EAA-secret-token");
    const row = await context.database.db.selectFrom("shops").select("access_token_enc").where("shop", "=", SHOP).executeTakeFirst();
    expect(row?.access_token_enc).not.toContain("EAA-secret-token");
    expect(await context.shops.getAccessToken(SHOP)).toBe("EAA-secret-token");

    // GIVEN unchanged pixel ids, WHEN saved again, THEN Shopify is not asked to touch the pixel.
    const calls = admin.state.calls.length;
    const same = await saveSettings(context, SHOP, form({ accessToken: "" }), admin.graphql, Date.now());
    expect(same).toMatchObject({ ok: true, webPixel: { ok: true, action: "unchanged" } });
    expect(admin.state.calls.length).toBe(calls);

    const changed = await saveSettings(context, SHOP, form({ pixelIds: "1234567890,5555555555", accessToken: "" }), admin.graphql, Date.now());
    expect(changed).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ pixelIds: "1234567890,5555555555" });
  });

  it("updates the web pixel when a value rule or the catalog content id changes, since the browser twin applies them", async () => {
    const admin = createFakeAdmin();
    await saveSettings(context, SHOP, form({ includeShipping: "on", includeTax: "on" }), admin.graphql, Date.now());
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ includeShipping: "true", includeTax: "true", contentId: "variant" });

    const noShipping = await saveSettings(context, SHOP, form({ accessToken: "", includeTax: "on" }), admin.graphql, Date.now());
    expect(noShipping).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ includeShipping: "false", includeTax: "true" });

    const catalog = await saveSettings(context, SHOP, form({ accessToken: "", includeTax: "on", contentId: "shopify", catalogCountry: "gb" }), admin.graphql, Date.now());
    expect(catalog).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" }, settings: { settings: { contentId: "shopify", catalogCountry: "GB" } } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ contentId: "shopify_GB" });
    // Every write passed the toml's settings schema (the fake refuses undeclared keys and non-strings).
    expect(admin.state.calls.filter((call) => call.operation.startsWith("TandemWebPixelC") || call.operation.startsWith("TandemWebPixelU"))).toHaveLength(3);
  });

  it("saves the settings but reports it when Shopify refuses the pixel settings", async () => {
    const admin = createFakeAdmin({ nextUserErrors: [{ code: "INVALID_SETTINGS", message: "pixelIds is invalid" }] });
    const result = await saveSettings(context, SHOP, form({}), admin.graphql, Date.now());
    expect(result).toMatchObject({ ok: true, webPixel: { ok: false } });
    expect(result.ok && !result.webPixel.ok ? result.webPixel.detail : "").toMatch(/invalid_settings: INVALID_SETTINGS/);
    expect((await context.shops.getShop(SHOP))?.pixelIds).toEqual(["1234567890"]);
  });

  it("stores nothing when a field is invalid", async () => {
    const result = await saveSettings(context, SHOP, form({ pixelIds: "nope" }), createFakeAdmin().graphql, Date.now());
    expect(result.ok).toBe(false);
    expect(await context.shops.getShop(SHOP)).toBeNull();
  });

  it("releases events held while the shop had no pixel", async () => {
    const now = Date.now();
    await context.outbox.enqueue(
      [{ shop: SHOP, destination: "meta:unconfigured", eventName: "Purchase", eventId: "evt_held_1", provenance: "order_id", orderId: "1", orderName: "#1", eventTime: Math.floor(now / 1000), payload: { event_name: "Purchase" }, matchKeys: ["em"], status: "held", nextAttemptAt: now }],
      now,
    );
    await saveSettings(context, SHOP, form({}), createFakeAdmin().graphql, now);
    const rows = await context.database.db.selectFrom("deliveries").select(["destination", "status"]).where("shop", "=", SHOP).execute();
    expect(rows).toContainEqual({ destination: "meta:1234567890", status: "pending" });
  });
});
