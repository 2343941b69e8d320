import { Writable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { buildChecklist } from "../../app/admin/checklist.server";
import { createLogger } from "../../app/logger.server";
import { saveSettings } from "../../app/admin/settings.server";
import { activateWebPixel, collectorUrlFor } from "../../app/shopify/activate-web-pixel.server";
import { connectWebPixel } from "../../app/shopify/connect-web-pixel.server";
import { parseCollectorUrl } from "../../app/tracking/pixel/pixel-settings";
import { DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-settings";
import { createFakeAdmin } from "../admin/fake-admin-graphql";
import { routeShopToHandler, type AdminHandler } from "../admin/real-admin-client";
import { embeddedQuery, mintSessionToken } from "../admin/session-token";
import { useTestApp } from "../support/app";

const SHOP_CONFIG = { pixelIds: ["1234567890", "222333444555"] };

describe("activateWebPixel", () => {
  it("creates the pixel with the ids and the default mapping choices as a JSON string setting when the shop has none", async () => {
    const admin = createFakeAdmin();
    const result = await activateWebPixel(admin.graphql, SHOP_CONFIG);
    expect(result).toEqual({ ok: true, webPixelId: "gid://shopify/WebPixel/1", action: "created" });
    expect(admin.state.calls.map((call) => call.operation)).toEqual(["TandemWebPixelState", "TandemWebPixelCreate"]);
    const settings = { pixelIds: "1234567890,222333444555", includeShipping: "true", includeTax: "true", contentId: "variant" };
    expect(admin.state.calls[1]?.variables).toEqual({ webPixel: { settings: JSON.stringify(settings) } });
  });

  it("carries the shop's value rules and catalog content id, never the token or the test event code", async () => {
    const admin = createFakeAdmin();
    const settings = { ...DEFAULT_PURCHASE_SETTINGS, includeShipping: false, includeTax: false, contentId: "shopify" as const, catalogCountry: "DE" };
    expect(await activateWebPixel(admin.graphql, { pixelIds: ["1234567890"], settings })).toMatchObject({ ok: true });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toEqual({ pixelIds: "1234567890", includeShipping: "false", includeTax: "false", contentId: "shopify_DE" });
  });

  it("updates the existing pixel", async () => {
    const admin = createFakeAdmin({ pixel: { id: "gid://shopify/WebPixel/9", settings: "{}" } });
    expect(await activateWebPixel(admin.graphql, SHOP_CONFIG)).toEqual({ ok: true, webPixelId: "gid://shopify/WebPixel/9", action: "updated" });
    expect(admin.state.calls[1]).toMatchObject({ operation: "TandemWebPixelUpdate", variables: { id: "gid://shopify/WebPixel/9" } });
  });

  it("recovers from TAKEN (created concurrently) by updating the pixel that won", async () => {
    const admin = createFakeAdmin();
    // GIVEN the query saw no pixel, but another request creates one before our mutation lands
    const racing = async (query: string, options?: { variables?: Record<string, unknown> }) => {
      if (query.includes("webPixelCreate") && admin.state.pixel === null) admin.state.pixel = { id: "gid://shopify/WebPixel/77", settings: "{}" };
      return admin.graphql(query, options);
    };
    const result = await activateWebPixel(racing, SHOP_CONFIG);
    expect(result).toEqual({ ok: true, webPixelId: "gid://shopify/WebPixel/77", action: "updated" });
    expect(admin.state.calls.map((call) => call.operation)).toEqual(["TandemWebPixelState", "TandemWebPixelCreate", "TandemWebPixelState", "TandemWebPixelUpdate"]);
  });

  it("reports INVALID_SETTINGS with Shopify's message", async () => {
    const admin = createFakeAdmin({ nextUserErrors: [{ code: "INVALID_SETTINGS", message: "pixelIds: is invalid" }] });
    expect(await activateWebPixel(admin.graphql, SHOP_CONFIG)).toEqual({ ok: false, reason: "invalid_settings", detail: "INVALID_SETTINGS: pixelIds: is invalid" });
  });

  it("does not call Shopify before a pixel id exists", async () => {
    const admin = createFakeAdmin();
    expect(await activateWebPixel(admin.graphql, { pixelIds: [] })).toMatchObject({ ok: false, reason: "no_pixel_ids" });
    expect(await activateWebPixel(admin.graphql, null)).toMatchObject({ ok: false, reason: "no_pixel_ids" });
    expect(admin.state.calls).toEqual([]);
  });

  it("writes the collector URL it is given into the settings, which Shopify's toml schema accepts", async () => {
    const admin = createFakeAdmin();
    expect(await activateWebPixel(admin.graphql, SHOP_CONFIG, collectorUrlFor("https://tandem.example.com/"))).toMatchObject({ ok: true });
    const written = JSON.parse(admin.state.pixel?.settings ?? "null");
    expect(written).toMatchObject({ pixelIds: "1234567890,222333444555", collectorUrl: "https://tandem.example.com/collect" });
    // AND the pixel reads it back; settings written without it (older activations) read as no collector
    expect(parseCollectorUrl(written)).toBe("https://tandem.example.com/collect");
    expect(parseCollectorUrl({ pixelIds: "1234567890" })).toBe("");
  });

  it("keeps a path in the app URL: an app served under a prefix collects under it", () => {
    expect(collectorUrlFor("https://apps.example.com/tandem")).toBe("https://apps.example.com/tandem/collect");
  });
});

describe("activateWebPixel when Shopify fails (errors as the real library throws them)", () => {
  it("answers unreachable, and creates nothing, when the connection drops", async () => {
    const admin = createFakeAdmin({ outage: "network" });
    expect(await activateWebPixel(admin.graphql, SHOP_CONFIG)).toMatchObject({ ok: false, reason: "unreachable" });
    expect(admin.state.calls).toEqual([]);
  });

  it("answers unreachable on an HTTP error status", async () => {
    expect(await activateWebPixel(createFakeAdmin({ outage: 500 }).graphql, SHOP_CONFIG)).toEqual({ ok: false, reason: "unreachable", detail: "Shopify answered HTTP 500" });
  });

  it("answers graphql_error with Shopify's message when the pixel query is refused", async () => {
    const admin = createFakeAdmin({ pixelQueryError: "Access denied for webPixel field." });
    expect(await activateWebPixel(admin.graphql, SHOP_CONFIG)).toEqual({ ok: false, reason: "graphql_error", detail: "Shopify answered: Access denied for webPixel field." });
  });
});

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

describe("connectWebPixel", () => {
  it("never throws at install: a failure is logged with shop and reason only", async () => {
    const { lines, logger } = captureLogs();
    const shops = { getShop: async () => SHOP_CONFIG };
    const env = { SHOPIFY_APP_URL: "https://tandem.example.com" };
    const result = await connectWebPixel({ shops, logger, env }, "a.myshopify.com", createFakeAdmin({ outage: "network" }).graphql, "install");
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    const throwing = async () => {
      throw new Response(null, { status: 401 });
    };
    expect(await connectWebPixel({ shops, logger, env }, "a.myshopify.com", throwing, "install")).toEqual({ ok: false, reason: "unreachable", detail: "Shopify answered HTTP 401" });
    // From the home page's button, the library's "authenticate again" answer goes on to Remix instead.
    await expect(connectWebPixel({ shops, logger, env }, "a.myshopify.com", throwing, "checklist")).rejects.toBeInstanceOf(Response);
    expect(lines.map((line) => [line.msg, line.shop, line.reason, line.trigger])).toEqual([
      ["web pixel not activated", "a.myshopify.com", "unreachable", "install"],
      ["web pixel not activated", "a.myshopify.com", "unreachable", "install"],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/shpat_|accessToken/);
  });
});

describe("install (afterAuth in app/shopify/app.server.ts) with the real library", () => {
  const SHOP = "install-shop.myshopify.com";
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(async () => {
    logs = captureLogs();
  });
  const app = useTestApp({ options: () => ({ logger: logs.logger }) });

  /** Shopify for SHOP: token exchange answers a fresh offline token; Admin GraphQL is the fake. */
  function shopifyFor(admin: ReturnType<typeof createFakeAdmin>): AdminHandler {
    return (request) =>
      request.path === "/admin/oauth/access_token"
        ? { status: 200, body: { access_token: "shpat_install_token", scope: "read_orders,write_pixels,read_pixels,read_customer_events,read_themes" } }
        : admin.handler(request);
  }

  async function openAppFirstTime() {
    const { authenticate } = await import("../../app/shopify/app.server");
    const token = mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: "test-api-secret" });
    return authenticate.admin(new Request(`http://localhost:3000/app?${embeddedQuery(SHOP, token)}`));
  }

  it("completes when activating the pixel throws GraphqlQueryError or loses the connection, and the checklist offers the fix", async () => {
    // GIVEN a shop re-authenticating with pixel ids saved, whose Admin API refuses the pixel query
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"] }, Date.now());
    const admin = createFakeAdmin({ pixelQueryError: "Internal error. Looks like something went wrong on our end." });
    routeShopToHandler(SHOP, shopifyFor(admin));

    // WHEN the merchant opens the app (token exchange, then afterAuth), THEN authentication succeeds
    const { session } = await openAppFirstTime();
    expect(session.shop).toBe(SHOP);
    expect(await app.context.sessionStorage.loadSession(`offline_${SHOP}`)).toMatchObject({ accessToken: "shpat_install_token" });
    expect(logs.lines.find((line) => line.msg === "web pixel not activated")).toMatchObject({ shop: SHOP, reason: "graphql_error", trigger: "install" });
    expect(JSON.stringify(logs.lines)).not.toContain("shpat_install_token");

    // AND the home page shows the pixel as not activated, with the button that activates it
    admin.state.pixelQueryError = null;
    const pixel = (await buildChecklist(app.context, SHOP, admin.graphql)).items.find((item) => item.id === "web_pixel");
    expect(pixel).toMatchObject({ state: "todo", fix: { intent: "connect_web_pixel" } });
    // WHEN the merchant presses it, THEN the pixel is created and the step is done
    expect(await connectWebPixel(app.context, SHOP, admin.graphql, "checklist")).toMatchObject({ ok: true, action: "created" });
    expect((await buildChecklist(app.context, SHOP, admin.graphql)).items.find((item) => item.id === "web_pixel")?.state).toBe("done");
  });

  it("completes when Shopify's Admin API cannot be reached during activation", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"] }, Date.now());
    const admin = createFakeAdmin();
    const shopify = shopifyFor(admin);
    routeShopToHandler(SHOP, (request) => (request.path.endsWith("/graphql.json") ? { drop: true } : shopify(request)));
    expect((await openAppFirstTime()).session.shop).toBe(SHOP);
    expect(logs.lines.find((line) => line.msg === "web pixel not activated")).toMatchObject({ shop: SHOP, reason: "unreachable" });
  });

  it("activates the pixel at install when the shop already has pixel ids and Shopify answers", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"] }, Date.now());
    const admin = createFakeAdmin();
    routeShopToHandler(SHOP, shopifyFor(admin));
    await openAppFirstTime();
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ pixelIds: "1234567890", contentId: "variant" });
    expect(logs.lines.find((line) => line.msg === "web pixel activated")).toMatchObject({ shop: SHOP, trigger: "install", action: "created" });
  });

  it("writes the collector under SHOPIFY_APP_URL at install, and a settings save keeps it", async () => {
    // GIVEN a shop with a pixel id and a token, installed with the app at the test environment's SHOPIFY_APP_URL
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA-stored-token" }, Date.now());
    const admin = createFakeAdmin();
    routeShopToHandler(SHOP, shopifyFor(admin));
    await openAppFirstTime();
    const collectorUrl = `${app.context.env.SHOPIFY_APP_URL}/collect`;
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ pixelIds: "1234567890", collectorUrl });

    // WHEN the merchant changes a value rule (same token and pixel, so Meta is not asked), THEN the update keeps it
    const form = new FormData();
    for (const [key, value] of Object.entries({ pixelIds: "1234567890", accessToken: "", testEventCode: "", valueSource: "presentment", unknownConsent: "send", includeShipping: "on" })) form.set(key, value);
    expect(await saveSettings(app.context, SHOP, form, admin.graphql, Date.now())).toMatchObject({ ok: true, webPixel: { ok: true, action: "updated" } });
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ includeTax: "false", collectorUrl });
  });
});
