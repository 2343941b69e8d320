import { describe, expect, it } from "vitest";
import { activateWebPixel } from "../../app/shopify/activate-web-pixel.server";
import { createFakeAdmin } from "../admin/fake-admin-graphql";

const SHOP_CONFIG = { pixelIds: ["1234567890", "222333444555"] };

describe("activateWebPixel", () => {
  it("creates the pixel with the ids as a JSON string setting when the shop has none", async () => {
    const admin = createFakeAdmin();
    const result = await activateWebPixel(admin.graphql, SHOP_CONFIG);
    expect(result).toEqual({ ok: true, webPixelId: "gid://shopify/WebPixel/1", action: "created" });
    expect(admin.state.calls.map((call) => call.operation)).toEqual(["TandemWebPixel", "TandemWebPixelCreate"]);
    expect(admin.state.calls[1]?.variables).toEqual({ webPixel: { settings: JSON.stringify({ pixelIds: "1234567890,222333444555" }) } });
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
    expect(admin.state.calls.map((call) => call.operation)).toEqual(["TandemWebPixel", "TandemWebPixelCreate", "TandemWebPixel", "TandemWebPixelUpdate"]);
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
});
