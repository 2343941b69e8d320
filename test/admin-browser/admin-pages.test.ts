import { mkdir } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { launchChromium } from "../browser/chromium";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { createFakeAdmin, settingsDataWithEmbed } from "../admin/fake-admin-graphql";
import { embeddedQuery, mintSessionToken, storeOfflineSession } from "../admin/session-token";
import type { AppContext } from "../../app/context.server";
import { deliveryRow, insertDeliveryRows } from "../support/rows";
import { adminTabs, type AdminTabs } from "./admin-tabs";

// The embedded admin pages in Debian's Chromium against the REAL server build, with App Bridge's CDN blocked:
// the pages must render and work from the id_token Shopify puts in the URL. Shopify's Admin GraphQL is faked
// behind fetch; Meta is the simulator on loopback.

const SHOP = "tandem-browser.myshopify.com";
const PIXEL = "1234567890";
const TOKEN = "EAA-browser-token";
const SHOTS = new URL("../../test-artifacts/admin/", import.meta.url).pathname;
const DAY = 86_400_000;
const VIEWPORT = { width: 1280, height: 1000 };

const fakeAdmin = createFakeAdmin({ settingsData: settingsDataWithEmbed({ disabled: true }) });
let server: BuiltServer;
let sim: MetaSimulator;
let browser: Browser;
let tabs: AdminTabs;
const opened: Page[] = [];
const pageErrors: string[] = [];

async function seedDeliveries(app: AppContext): Promise<void> {
  const now = Date.now();
  const statuses = ["sent", "sent", "sent", "dead", "skipped", "sent", "needs_attention", "sent"] as const;
  const rows = Array.from({ length: 60 }, (_, index) =>
    deliveryRow({
      shop: SHOP,
      destination: `meta:${PIXEL}`,
      event_id: `evt_seed_${String(index).padStart(3, "0")}`,
      provenance: index % 5 === 0 ? "order_id" : "note_attribute",
      order_id: String(5000 + index),
      order_name: `#${1000 + index}`,
      event_time: Math.floor((now - (index % 7) * DAY) / 1000),
      payload: "{}",
      match_keys: JSON.stringify(index % 3 === 0 ? ["em", "client_user_agent"] : ["em", "ph", "fbp", "client_ip_address", "client_user_agent"]),
      status: statuses[index % statuses.length] ?? "sent",
      status_reason: index % statuses.length === 3 ? "Meta error 100/2804019: Invalid parameter (fbtrace_id Aseed)" : null,
      attempts: 1,
      next_attempt_at: now,
      fbtrace_id: index % 2 === 0 ? `Atrace${index}` : null,
      created_at: now - (index % 7) * DAY - index * 1000,
      updated_at: now,
      sent_at: now,
    }),
  );
  await insertDeliveryRows(app.database.db, rows);
}

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
  // The Shopify library captures fetch when the build is imported, so the fake goes in first.
  globalThis.fetch = fakeAdmin.interceptFetch(SHOP, globalThis.fetch);
  server = await startBuiltServer("admin-browser", { META_GRAPH_URL: sim.url });
  const app = await server.appContext();
  await storeOfflineSession(app.sessionStorage, SHOP);
  await seedDeliveries(app);
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  tabs = adminTabs(browser, `http://127.0.0.1:${server.port}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.close();
});

// The tab is unloaded before the check, so an error the page raises as it goes is counted too.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => tabs.giveBack(page)));
  expect(pageErrors.splice(0)).toEqual([]);
});

/** Opens an admin page in a tab (admin-tabs.ts: a desktop user agent, App Bridge's CDN blocked, errors kept). */
async function openAdmin(path: string): Promise<Page> {
  const page = await tabs.open(SHOP, path, VIEWPORT, pageErrors);
  opened.push(page);
  return page;
}

describe("embedded admin pages in Chromium", () => {
  it("validates the settings form, saves it, updates the web pixel and shows Meta's answer to a test event", async () => {
    const page = await openAdmin("/app/settings");
    await shown(page.getByRole("heading", { name: "Settings" }));

    // GIVEN a malformed pixel id and no token, WHEN saved from the contextual save bar, THEN each field shows
    // its own error and nothing is stored.
    const saveBar = page.getByRole("region", { name: "Unsaved changes" });
    await page.getByLabel("Meta pixel (dataset) IDs").fill("12ab");
    await shown(saveBar);
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.getByText("Some fields need fixing").waitFor();
    await shown(page.getByText("Each pixel (dataset) ID is 6 to 20 digits"));
    await shown(page.getByText("Paste a Conversions API access token"));
    await page.screenshot({ path: `${SHOTS}settings-errors.png`, fullPage: true });
    const app = await server.appContext();
    expect((await app.shops.getShop(SHOP))?.pixelIds ?? []).toEqual([]);

    // WHEN corrected and saved, THEN Meta confirms the token (one read), it is stored (encrypted) and the web
    // pixel gets the pixel id.
    await page.getByLabel("Meta pixel (dataset) IDs").fill(PIXEL);
    await page.getByLabel("Conversions API access token").fill(TOKEN);
    await page.getByLabel("Include tax").uncheck();
    await page.getByLabel("Alert email").fill("alerts@example.com");
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    await shown(page.getByText("Meta accepted the new access token."));
    await shown(page.getByText("The web pixel was created with the new pixel IDs."));
    expect(await saveBar.count()).toBe(0);
    // The pixel also gets the value rules and content id (decision 0018); the id is what this test checks.
    expect(JSON.parse(fakeAdmin.state.pixel?.settings ?? "{}")).toMatchObject({ pixelIds: PIXEL });
    expect(await app.shops.getAccessToken(SHOP)).toBe(TOKEN);
    const saved = await app.shops.getShop(SHOP);
    expect(saved?.settings).toMatchObject({ includeShipping: true, includeTax: false, valueSource: "presentment" });
    expect(saved?.enabled).toBe(true);
    // The Alerts section's address is saved with the rest, and shown again after the save.
    expect(saved?.alertEmail).toBe("alerts@example.com");
    expect(await page.getByLabel("Alert email").inputValue()).toBe("alerts@example.com");
    // The token is never sent back to the page: the field is masked with a Replace button.
    expect(await page.content()).not.toContain(TOKEN);
    await shown(page.getByRole("button", { name: "Replace" }));

    // WHEN "Send test event" with the card's own code, THEN the simulator receives it with that code, nothing is
    // saved, and the page says it in one sentence with Meta's answer behind "details".
    await page.getByLabel("Test event code").fill("TEST4242");
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByText(`Meta received the test purchase for pixel ${PIXEL}.`).waitFor();
    await page.getByText("Details from Meta").click();
    const answer = JSON.parse((await page.getByTestId("meta-answer").textContent()) ?? "{}") as Record<string, unknown>;
    expect(answer.events_received).toBe(1);
    expect(answer.fbtrace_id).toMatch(/\S+/);
    const received = sim.accepted.filter((entry) => entry.pixelId === PIXEL && String(entry.event.event_id).startsWith("test_"));
    expect(received).toHaveLength(1);
    expect(received[0]?.testEventCode).toBe("TEST4242");
    expect((await app.shops.getShop(SHOP))?.testEventCode).toBeNull();
    await page.screenshot({ path: `${SHOTS}settings-test-event.png`, fullPage: true });
  });

  it("pages through activity with keyset cursors and filters by status", async () => {
    const page = await openAdmin("/app/activity");
    await shown(page.getByRole("heading", { name: "Activity" }));
    const orders = () => page.locator("tbody tr td:nth-child(2)").allTextContents();
    const first = await orders();
    expect(first).toHaveLength(25);

    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/after=/);
    await page.waitForFunction((before) => document.querySelector("tbody tr td:nth-child(2)")?.textContent !== before, first[0]);
    const second = await orders();
    expect(second).toHaveLength(25);
    expect(second.filter((name) => first.includes(name))).toEqual([]);
    await page.screenshot({ path: `${SHOTS}activity.png`, fullPage: true });

    await page.getByRole("button", { name: "Previous" }).click();
    await page.waitForFunction((expected) => document.querySelector("tbody tr td:nth-child(2)")?.textContent === expected, first[0]);

    await page.getByLabel("Status").selectOption("dead");
    await page.waitForURL(/status=dead/);
    await page.waitForFunction(() => document.querySelectorAll("tbody tr [data-status]").length > 0 && [...document.querySelectorAll("tbody tr [data-status]")].every((el) => el.getAttribute("data-status") === "dead"));
    await shown(page.getByText("Meta error 100/2804019").first());
  });

  it("shows the checklist with the theme-editor deep link, and daily bars and key coverage on the health page", async () => {
    const page = await openAdmin("/app");
    const embed = page.locator('[data-check="storefront_embed"]');
    expect(await embed.getAttribute("data-state")).toBe("todo");
    const link = await embed.getByRole("link").getAttribute("href");
    expect(link).toBe(`https://${SHOP}/admin/themes/current/editor?context=apps&activateAppId=test-api-key/tandem-capture`);
    await page.screenshot({ path: `${SHOTS}home.png`, fullPage: true });

    const health = await openAdminSamePage(page, "/app/health");
    const bars = health.locator('[data-chart] [data-series="Delivered to Meta"]');
    expect(await bars.count()).toBe(7);
    const values = await bars.evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-value"))));
    expect(values.filter((value) => value > 0), `bar values ${values.join(", ")}`).not.toEqual([]);
    expect(await health.locator('ul[aria-label="Customer details sent"] [data-share]').count()).toBe(7);
    await health.getByRole("tab", { name: "Last 30 days" }).click();
    await health.waitForURL(/days=30/);
    await health.locator('[data-chart] [data-series="Received"]').nth(29).waitFor();
    expect(await health.locator('[data-chart] [data-series="Received"]').count()).toBe(30);
    await health.screenshot({ path: `${SHOTS}health.png`, fullPage: true });
  });
});

async function shown(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: 10_000 });
}

// A fresh document load with a new token, as the admin does when the merchant opens another app page.
async function openAdminSamePage(page: Page, path: string): Promise<Page> {
  const token = mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: "test-api-secret" });
  await page.goto(`http://127.0.0.1:${server.port}${path}?${embeddedQuery(SHOP, token)}`, { waitUntil: "networkidle" });
  return page;
}
