import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { createFakeAdmin } from "./fake-admin-graphql";
import { routeShopToHandler } from "./real-admin-client";
import { embeddedQuery, mintSessionToken, storeOfflineSession } from "./session-token";

// The home page over HTTP against the REAL server build, its Admin API calls going through the real library
// to the fake on loopback: a shop whose pixel activation failed sees "not activated" — not an error — and
// the checklist's button activates it.

const SHOP = "tandem-connect.myshopify.com";
const admin = createFakeAdmin();
let server: BuiltServer;

beforeAll(async () => {
  routeShopToHandler(SHOP, admin.handler);
  server = await startBuiltServer("connect");
  const app = await server.appContext();
  await storeOfflineSession(app.sessionStorage, SHOP);
  await app.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"] }, Date.now());
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

// The library answers 410 to bots, and fetch's default user agent ("node") is one.
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" };

function homeUrl(): string {
  const token = mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: "test-api-secret" });
  return `http://127.0.0.1:${server.port}/app?index&${embeddedQuery(SHOP, token)}`;
}

function pixelCheck(html: string): { state: string | undefined; text: string } {
  const start = html.indexOf('data-check="web_pixel"');
  const block = html.slice(start, html.indexOf('data-check="storefront_embed"'));
  return { state: /data-state="(\w+)"/.exec(block)?.[1], text: block.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ") };
}

describe("the home page's web pixel step", () => {
  it("shows a shop without the pixel as not activated, then activates it with the button", async () => {
    // GIVEN Shopify answers "No web pixel was found for this app." (GraphqlQueryError in the library)
    const before = await fetch(homeUrl(), { headers: BROWSER });
    expect(before.status).toBe(200);
    const page = pixelCheck(await before.text());
    expect(page.state).toBe("todo");
    expect(page.text).toContain("The web pixel is not activated on this store.");
    expect(page.text).toContain("Connect the web pixel");
    expect(page.text).not.toContain("Could not");

    // WHEN the merchant presses "Connect the web pixel"
    const after = await fetch(homeUrl(), { method: "POST", headers: BROWSER, body: new URLSearchParams({ intent: "connect_web_pixel" }) });
    expect(after.status).toBe(200);
    const html = await after.text();

    // THEN Shopify has the pixel with the saved ids, and the page says so
    expect(JSON.parse(admin.state.pixel?.settings ?? "null")).toMatchObject({ pixelIds: "1234567890" });
    expect(html).toContain("The web pixel is connected");
    expect(pixelCheck(html).state).toBe("done");
  });

  it("shows Shopify's refusal when activation fails", async () => {
    admin.state.pixel = null;
    admin.state.nextUserErrors = [{ code: "INVALID_SETTINGS", message: "pixelIds: is invalid" }];
    const response = await fetch(homeUrl(), { method: "POST", headers: BROWSER, body: new URLSearchParams({ intent: "connect_web_pixel" }) });
    const html = await response.text();
    expect(html).toContain("Shopify did not activate the web pixel");
    expect(html).toContain("INVALID_SETTINGS: pixelIds: is invalid");
    expect(pixelCheck(html).state).toBe("todo");
  });
});
