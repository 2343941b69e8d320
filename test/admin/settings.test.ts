import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateSettingsForm } from "../../app/admin/settings-form";
import { saveSettings } from "../../app/admin/settings.server";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { useTestApp } from "../support/app";
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
  let sim: MetaSimulator;
  beforeAll(async () => {
    sim = await startMetaSimulator({ pixels: { "1234567890": "EAA-secret-token", "5555555555": "EAA-secret-token" } });
  });
  afterAll(async () => {
    await sim.close();
  });
  const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url }) });
  beforeEach(async () => {
    sim.reset();
  });

  it("stores the token encrypted, creates the web pixel, and updates it only when pixel ids change", async () => {
    const admin = createFakeAdmin();
    const first = await saveSettings(app.context, SHOP, form({ enabled: "on" }), admin.graphql, Date.now());
    expect(first).toMatchObject({ ok: true, webPixel: { ok: true, action: "created" }, settings: { pixelIds: ["1234567890"], hasAccessToken: true } });
    expect(JSON.stringify(first)).not.toContain("EAA-secret-token");
    const row = await app.context.database.db.selectFrom("shops").select("access_token_enc").where("shop", "=", SHOP).executeTakeFirst();
    expect(row?.access_token_enc).not.toContain("EAA-secret-token");
    expect(await app.context.shops.getAccessToken(SHOP)).toBe("EAA-secret-token");

    // GIVEN unchanged pixel ids, WHEN saved again, THEN Shopify is not asked to touch the pixel.
    const calls = admin.state.calls.length;
    const same = await saveSettings(app.context, SHOP, form({ accessToken: "" }), admin.graphql, Date.now());
    expect(same).toMatchObject({ ok: true, webPixel: { ok: true, action: "unchanged" } });
    expect(admin.state.calls.length).toBe(calls);

    const changed = await saveSettings(app.context, SHOP, form({ pixelIds: "1234567890,5555555555", accessToken: "" }), admin.graphql, Date.now());
    expect(changed).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ pixelIds: "1234567890,5555555555" });
  });

  it("updates the web pixel when a value rule or the catalog content id changes, since the browser twin applies them", async () => {
    const admin = createFakeAdmin();
    await saveSettings(app.context, SHOP, form({ includeShipping: "on", includeTax: "on" }), admin.graphql, Date.now());
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ includeShipping: "true", includeTax: "true", contentId: "variant" });

    const noShipping = await saveSettings(app.context, SHOP, form({ accessToken: "", includeTax: "on" }), admin.graphql, Date.now());
    expect(noShipping).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ includeShipping: "false", includeTax: "true" });

    const catalog = await saveSettings(app.context, SHOP, form({ accessToken: "", includeTax: "on", contentId: "shopify", catalogCountry: "gb" }), admin.graphql, Date.now());
    expect(catalog).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" }, settings: { settings: { contentId: "shopify", catalogCountry: "GB" } } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ contentId: "shopify_GB" });
    // Every write passed the toml's settings schema (the fake refuses undeclared keys and non-strings).
    expect(admin.state.calls.filter((call) => call.operation.startsWith("TandemWebPixelC") || call.operation.startsWith("TandemWebPixelU"))).toHaveLength(3);
  });

  it("saves the settings but reports it when Shopify refuses the pixel settings", async () => {
    const admin = createFakeAdmin({ nextUserErrors: [{ code: "INVALID_SETTINGS", message: "pixelIds is invalid" }] });
    const result = await saveSettings(app.context, SHOP, form({}), admin.graphql, Date.now());
    expect(result).toMatchObject({ ok: true, webPixel: { ok: false } });
    expect(result.ok && !result.webPixel.ok ? result.webPixel.detail : "").toMatch(/invalid_settings: INVALID_SETTINGS/);
    expect((await app.context.shops.getShop(SHOP))?.pixelIds).toEqual(["1234567890"]);
  });

  it("stores nothing when a field is invalid", async () => {
    const result = await saveSettings(app.context, SHOP, form({ pixelIds: "nope" }), createFakeAdmin().graphql, Date.now());
    expect(result.ok).toBe(false);
    expect(await app.context.shops.getShop(SHOP)).toBeNull();
  });

  it("releases events held while the shop had no pixel", async () => {
    const now = Date.now();
    await app.context.outbox.enqueue(
      [{ shop: SHOP, destination: "meta:unconfigured", eventName: "Purchase", eventId: "evt_held_1", provenance: "order_id", orderId: "1", orderName: "#1", eventTime: Math.floor(now / 1000), payload: { event_name: "Purchase" }, matchKeys: ["em"], status: "held", nextAttemptAt: now }],
      now,
    );
    await saveSettings(app.context, SHOP, form({}), createFakeAdmin().graphql, now);
    const rows = await app.context.database.db.selectFrom("deliveries").select(["destination", "status"]).where("shop", "=", SHOP).execute();
    expect(rows).toContainEqual({ destination: "meta:1234567890", status: "pending" });
  });

  it("checks a new token with one read of the pixel, and says Meta accepted it", async () => {
    const result = await saveSettings(app.context, SHOP, form({}), createFakeAdmin().graphql, Date.now());
    expect(result).toMatchObject({ ok: true, tokenVerified: true });
    expect(sim.reads).toEqual([expect.objectContaining({ pixelId: "1234567890", status: 200 })]);
    // The token travelled in a header, never in a URL; nothing was sent as an event.
    expect(sim.requests).toHaveLength(0);
  });

  it("refuses a mistyped token with a plain message and stores nothing", async () => {
    const admin = createFakeAdmin();
    const result = await saveSettings(app.context, SHOP, form({ accessToken: "EAA-secret-tokn" }), admin.graphql, Date.now());
    expect(result).toEqual({ ok: false, errors: { accessToken: expect.stringMatching(/^Meta did not accept this access token\..*Nothing was saved\.$/) } });
    expect(await app.context.shops.getShop(SHOP)).toBeNull();
    expect(admin.state.calls).toHaveLength(0);
  });

  it("refuses a pixel id the token cannot reach, naming it", async () => {
    await saveSettings(app.context, SHOP, form({}), createFakeAdmin().graphql, Date.now());
    const result = await saveSettings(app.context, SHOP, form({ pixelIds: "1234567890, 999999999999", accessToken: "" }), createFakeAdmin().graphql, Date.now());
    expect(result.ok ? null : result.errors.pixelIds).toMatch(/^Meta does not know pixel 999999999999, or this token cannot reach it/);
    expect((await app.context.shops.getShop(SHOP))?.pixelIds).toEqual(["1234567890"]);
  });

  it("refuses to store a token it could not check when Meta is unreachable", async () => {
    const unreachable = { ...app.context, checkAccess: async () => ({ ok: false as const, errorClass: "transient" as const, httpStatus: null, code: null, subcode: null, title: null, message: "network error", fbtraceId: null }) };
    const result = await saveSettings(unreachable, SHOP, form({}), createFakeAdmin().graphql, Date.now());
    expect(result.ok ? null : result.errors.accessToken).toMatch(/could not be reached.*nothing was saved/);
    expect(await app.context.shops.getShop(SHOP)).toBeNull();
  });

  it("keeps a stored test event code when the form has no test code field", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-secret-token", testEventCode: "TEST42" }, Date.now());
    const data = form({ accessToken: "" });
    data.delete("testEventCode");
    expect(await saveSettings(app.context, SHOP, data, createFakeAdmin().graphql, Date.now())).toMatchObject({ ok: true });
    expect((await app.context.shops.getShop(SHOP))?.testEventCode).toBe("TEST42");
  });

  it("saves the alert email with the other settings, clears it when blanked, and refuses a malformed one", async () => {
    // GIVEN a configured shop WHEN the merchant types an address in the Alerts section and saves
    const saved = await saveSettings(app.context, SHOP, form({ alertEmail: "  Ops@Example.com " }), createFakeAdmin().graphql, Date.now());
    // THEN it is stored as typed (trimmed, lower case) and comes back to the page
    expect(saved).toMatchObject({ ok: true, settings: { alertEmail: "ops@example.com" } });
    expect((await app.context.shops.getShop(SHOP))?.alertEmail).toBe("ops@example.com");

    // WHEN a later form carries a malformed address THEN nothing is saved and the field says why
    const typo = await saveSettings(app.context, SHOP, form({ accessToken: "", alertEmail: "ops@", includeTax: "on" }), createFakeAdmin().graphql, Date.now());
    expect(typo).toEqual({ ok: false, errors: { alertEmail: "Enter an email address, like you@example.com." } });
    expect((await app.context.shops.getShop(SHOP))?.settings.includeTax).toBe(false);

    // WHEN a form without the field is saved THEN the address stays; WHEN it is blanked THEN alerts go to the owner
    await saveSettings(app.context, SHOP, form({ accessToken: "" }), createFakeAdmin().graphql, Date.now());
    expect((await app.context.shops.getShop(SHOP))?.alertEmail).toBe("ops@example.com");
    await saveSettings(app.context, SHOP, form({ accessToken: "", alertEmail: "" }), createFakeAdmin().graphql, Date.now());
    expect((await app.context.shops.getShop(SHOP))?.alertEmail).toBeNull();
  });
});

describe("saveSettings and pauses (decision 0022)", () => {
  let sim: MetaSimulator;
  const REVOKED = "Meta error 190/467: Error validating access token: The access token is invalid. (fbtrace_id X)";
  beforeAll(async () => {
    sim = await startMetaSimulator({ pixels: { "1234567890": "EAA-new-token", "5555555555": "EAA-new-token" } });
  });
  afterAll(async () => {
    await sim.close();
  });
  const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url }) });
  beforeEach(async () => {
    sim.reset();
    // GIVEN a configured shop whose token Meta refused, with two purchases waiting
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-old-token" }, Date.now());
    await app.context.shops.markNeedsAttention(SHOP, REVOKED, Date.now());
    const now = Date.now();
    await app.context.outbox.enqueue(
      [1, 2].map((n) => ({ shop: SHOP, destination: "meta:1234567890", eventName: "Purchase", eventId: `evt_${n}`, provenance: "order_id", orderId: `${n}`, orderName: `#${n}`, eventTime: Math.floor(now / 1000), payload: { event_name: "Purchase" }, matchKeys: ["em"], status: "pending" as const, nextAttemptAt: now })),
      now,
    );
    await app.context.database.db.updateTable("deliveries").set({ status: "needs_attention", status_reason: REVOKED }).where("shop", "=", SHOP).execute();
  });
  const statuses = async () => (await app.context.database.db.selectFrom("deliveries").select("status").where("shop", "=", SHOP).execute()).map((row) => row.status);

  it("saving a setting that is not the token leaves the token pause and its waiting rows alone, without asking Meta", async () => {
    const result = await saveSettings(app.context, SHOP, form({ accessToken: "", includeTax: "on" }), createFakeAdmin().graphql, Date.now());
    expect(result).toMatchObject({ ok: true, tokenVerified: false });
    expect((await app.context.shops.getShop(SHOP))?.needsAttentionReason).toBe(REVOKED);
    expect(await statuses()).toEqual(["needs_attention", "needs_attention"]);
    expect(sim.reads).toHaveLength(0);
  });

  it("a new token Meta refuses is not stored and the pause stays", async () => {
    const result = await saveSettings(app.context, SHOP, form({ accessToken: "EAA-still-wrong" }), createFakeAdmin().graphql, Date.now());
    expect(result.ok).toBe(false);
    expect(await app.context.shops.getAccessToken(SHOP)).toBe("EAA-old-token");
    expect((await app.context.shops.getShop(SHOP))?.needsAttentionReason).toBe(REVOKED);
    expect(await statuses()).toEqual(["needs_attention", "needs_attention"]);
  });

  it("a new token confirmed by one read lifts the pause and makes the waiting rows due", async () => {
    const result = await saveSettings(app.context, SHOP, form({ accessToken: "EAA-new-token" }), createFakeAdmin().graphql, Date.now());
    expect(result).toMatchObject({ ok: true, tokenVerified: true });
    expect(sim.reads).toHaveLength(1);
    expect((await app.context.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
    expect(await statuses()).toEqual(["pending", "pending"]);
  });

  it("a pixel pause lifts only when a new token reaches that pixel", async () => {
    await app.context.shops.clearNeedsAttention(SHOP);
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890", "5555555555"], accessToken: "EAA-new-token" }, Date.now());
    await app.context.shops.pauseDestination(SHOP, "meta:5555555555", "Meta error 100/33: Unsupported post request.", Date.now());
    await saveSettings(app.context, SHOP, form({ pixelIds: "1234567890, 5555555555", accessToken: "", includeShipping: "on" }), createFakeAdmin().graphql, Date.now());
    expect(await app.context.shops.listDestinationPauses(SHOP)).toHaveLength(1);

    await saveSettings(app.context, SHOP, form({ pixelIds: "1234567890, 5555555555", accessToken: "EAA-new-token" }), createFakeAdmin().graphql, Date.now());
    expect(await app.context.shops.listDestinationPauses(SHOP)).toEqual([]);
  });
});
