import { describe, expect, it } from "vitest";
import { buildChecklist, embedDeepLink } from "../../app/admin/checklist.server";
import { embedStateFromSettings, parseSettingsData } from "../../app/admin/theme-embed.server";
import type { GraphqlFn } from "../../app/shopify/activate-web-pixel.server";
import { useTestApp } from "../support/app";
import { createFakeAdmin, settingsDataWithEmbed } from "./fake-admin-graphql";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

const SHOP = "check-shop.myshopify.com";

describe("theme embed detection", () => {
  it("reads settings_data.json behind Shopify's comment banner", () => {
    expect(embedStateFromSettings(parseSettingsData(settingsDataWithEmbed({ disabled: false })), "tandem-capture")).toBe("enabled");
    expect(embedStateFromSettings(parseSettingsData(settingsDataWithEmbed({ disabled: true })), "tandem-capture")).toBe("disabled");
    expect(embedStateFromSettings(parseSettingsData(settingsDataWithEmbed({ disabled: false, comment: false })), "other-block")).toBe("absent");
    expect(embedStateFromSettings(parseSettingsData("not json"), "tandem-capture")).toBe("absent");
  });

  it("follows `current` when it names a preset", () => {
    const settings = { current: "Light", presets: { Light: { blocks: { a: { type: "shopify://apps/tandem/blocks/tandem-capture/1", disabled: false } } } } };
    expect(embedStateFromSettings(settings, "tandem-capture")).toBe("enabled");
  });

  it("builds the theme editor deep link that activates the embed", () => {
    expect(embedDeepLink(SHOP, "abc123")).toBe(`https://${SHOP}/admin/themes/current/editor?context=apps&activateAppId=abc123/tandem-capture`);
  });
});

describe("buildChecklist", () => {
  const app = useTestApp();

  const states = async (graphql: GraphqlFn) =>
    Object.fromEntries((await buildChecklist(app.context, SHOP, graphql)).items.map((item) => [item.id, item.state]));

  it("starts with every step to do, each with its fix", async () => {
    const checklist = await buildChecklist(app.context, SHOP, createFakeAdmin().graphql);
    expect(checklist.complete).toBe(false);
    expect(checklist.items.map((item) => [item.id, item.state])).toEqual([
      ["web_pixel", "todo"],
      ["storefront_embed", "todo"],
      ["token", "todo"],
      ["first_purchase", "todo"],
    ]);
    // Each setup step has its fix; the pixel id and the token say where in Events Manager they come from.
    const byId = Object.fromEntries(checklist.items.map((item) => [item.id, item]));
    expect([byId.web_pixel?.fix, byId.storefront_embed?.fix, byId.token?.fix]).not.toContain(null);
    expect(byId.web_pixel?.help?.text).toMatch(/Data sources.*Settings/);
    expect(byId.token?.help?.text).toMatch(/Conversions API.*Generate access token/);
    expect(byId.token?.help?.url).toBe("https://business.facebook.com/events_manager2");
    // The last step waits for a real order: no test event is offered, since one never completes it.
    expect(byId.first_purchase).toMatchObject({ state: "todo", fix: null });
    expect(byId.first_purchase?.detail).toMatch(/first paid order.*Test events do not count/);
  });

  it("is complete once the pixel matches, the embed is on, the token works and a purchase was sent", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-token" }, Date.now());
    const admin = createFakeAdmin({ pixel: { id: "gid://shopify/WebPixel/1", settings: JSON.stringify({ pixelIds: "1234567890" }) }, settingsData: settingsDataWithEmbed({ disabled: false }) });
    expect(await states(admin.graphql)).toMatchObject({ web_pixel: "done", storefront_embed: "done", token: "done", first_purchase: "todo" });
    await insertDeliveryRows(app.context.database.db, [deliveryRow({ shop: SHOP, event_id: "e1", status: "sent", attempts: 1, sent_at: 1 })]);
    expect((await buildChecklist(app.context, SHOP, admin.graphql)).complete).toBe(true);

    // WHEN Meta refuses the token, THEN the token step is to do again and the checklist surfaces the reason.
    await app.context.shops.markNeedsAttention(SHOP, "Meta error 190: token expired", Date.now());
    const checklist = await buildChecklist(app.context, SHOP, admin.graphql);
    expect(checklist.attention).toBe("Meta error 190: token expired");
    expect(checklist.items.find((item) => item.id === "token")).toMatchObject({
      state: "todo",
      detail: expect.stringMatching(/^Meta no longer accepts the access token/),
    });
  });

  it("shows a shop without the app's pixel as not activated, with a button that activates it — not as an error", async () => {
    // GIVEN saved pixel ids and Shopify answering "No web pixel was found for this app." (the library throws
    // GraphqlQueryError for it)
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"] }, Date.now());
    const admin = createFakeAdmin();
    const pixel = (await buildChecklist(app.context, SHOP, admin.graphql)).items.find((item) => item.id === "web_pixel");
    expect(pixel).toEqual({
      id: "web_pixel",
      state: "todo",
      detail: "The web pixel is not activated on this store.",
      fix: { label: "Connect the web pixel", intent: "connect_web_pixel" },
    });
  });

  it("before any pixel id, points to Settings, where saving the id activates the pixel", async () => {
    const pixel = (await buildChecklist(app.context, SHOP, createFakeAdmin().graphql)).items.find((item) => item.id === "web_pixel");
    expect(pixel).toMatchObject({ state: "todo", fix: { url: "/app/settings" } });
  });

  it("says it could not check, rather than done, when Shopify is unreachable or answers an HTTP error", async () => {
    expect(await states(createFakeAdmin({ outage: "network" }).graphql)).toMatchObject({ web_pixel: "unknown", storefront_embed: "unknown" });
    expect(await states(createFakeAdmin({ outage: 503 }).graphql)).toMatchObject({ web_pixel: "unknown", storefront_embed: "unknown" });
  });

  it("shows a GraphQL error other than 'no pixel' as could-not-check, with Shopify's words", async () => {
    const admin = createFakeAdmin({ pixelQueryError: "Access denied for webPixel field. Required access: `read_pixels` access scope." });
    const pixel = (await buildChecklist(app.context, SHOP, admin.graphql)).items.find((item) => item.id === "web_pixel");
    expect(pixel?.state).toBe("unknown");
    expect(pixel?.detail).toBe("Could not check the web pixel: Shopify answered: Access denied for webPixel field. Required access: `read_pixels` access scope.");
  });
});
