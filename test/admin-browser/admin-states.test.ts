import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it as base } from "vitest";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { launchChromium } from "../browser/chromium";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { storeOfflineSession } from "../admin/session-token";
import { PIXEL, STATES, TOKEN, interceptAdminFetch, type AdminState } from "./admin-states";
import { adminTabs, type AdminTabs, type Viewport } from "./admin-tabs";

// Every admin page in every shop state (admin-states.ts) at a desktop and a phone width, in Debian's Chromium
// against the real server build: a document title, a main landmark, no horizontal scroll, and axe-core finding
// nothing serious or critical. Screenshots go to test-artifacts/admin/states/ (gitignored). The table is
// STATES × PAGES × WIDTHS: a new state, page or width is one entry.
//
// The tests run side by side (describe.concurrent), each page in a tab of its own: much of a page's time is
// waiting for the network to go quiet, which overlaps. The one test that writes (Settings' save) is in the
// sequential block at the end, after every test that reads what it changes.

const SHOTS = new URL("../../test-artifacts/admin/states/", import.meta.url).pathname;
const AXE_SOURCE = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url).pathname, "utf8");

const PAGES = [
  { name: "home", path: "/app", title: "Home", heading: "Tandem" },
  { name: "settings", path: "/app/settings", title: "Settings", heading: "Settings" },
  { name: "activity", path: "/app/activity", title: "Activity", heading: "Activity" },
  { name: "health", path: "/app/health", title: "Health", heading: "Health" },
] as const;

const WIDTHS = [
  { name: "1280", width: 1280, height: 900 },
  { name: "390", width: 390, height: 844 },
] as const;

let server: BuiltServer;
let sim: MetaSimulator;
let browser: Browser;
let tabs: AdminTabs;

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
  globalThis.fetch = interceptAdminFetch(globalThis.fetch, Date.now).fetch;
  const launching = launchChromium();
  server = await startBuiltServer("admin-states", { META_GRAPH_URL: sim.url });
  const app = await server.appContext();
  const now = Date.now();
  for (const state of STATES) {
    await storeOfflineSession(app.sessionStorage, state.shop);
    await state.seed(app, now);
  }
  await mkdir(SHOTS, { recursive: true });
  browser = await launching;
  tabs = adminTabs(browser, `http://127.0.0.1:${server.port}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.close();
});

type OpenAdmin = (state: AdminState, path: string, viewport: Viewport, extra?: string) => Promise<Page>;

/**
 * `openAdmin` opens a page in a tab of its own (admin-tabs.ts). After the test the tabs are given back and the
 * test fails on any error a page threw or logged, kept per test since tests run side by side.
 */
const it = base.extend<{ openAdmin: OpenAdmin }>({
  openAdmin: async ({ expect }, use) => {
    const opened: Page[] = [];
    const pageErrors: string[] = [];
    await use(async (state, path, viewport, extra = "") => {
      const page = await tabs.open(state.shop, path, viewport, pageErrors, extra);
      opened.push(page);
      return page;
    });
    await Promise.all(opened.map((page) => tabs.giveBack(page)));
    expect(pageErrors, "errors on the page").toEqual([]);
  },
});

type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> };

/** axe-core's serious and critical violations, each as "rule: help (targets)". */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ["violations"] })).violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`);
}

const CASES = STATES.flatMap((state) => PAGES.flatMap((page) => WIDTHS.map((width) => [`${state.name} ${page.name} @${width.name}`, state, page, width] as const)));

describe.concurrent("every admin page in every state and width", () => {
  it.for(CASES)("%s: titled, a main landmark, no horizontal scroll, axe clean", async ([label, state, target, width], { openAdmin, expect }) => {
    const page = await openAdmin(state, target.path, width);
    await page.getByRole("heading", { level: 1, name: target.heading }).waitFor({ timeout: 10_000 });
    expect(await page.title()).toBe(`${target.title} · Tandem`);
    expect(await page.locator("main").count()).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "page scrolls sideways").toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}${label.replace(/[ @]+/g, "-")}.png`, fullPage: true });
  });
});

const byName = (name: string) => {
  const state = STATES.find((candidate) => candidate.name === name);
  if (!state) throw new Error(`no state ${name}`);
  return state;
};

describe.concurrent("Activity as a log", () => {
  it("finds an order, opens its detail, links to the order in Shopify and exports the filter as CSV without customer data", async ({ openAdmin, expect }) => {
    const busy = byName("busy");
    const page = await openAdmin(busy, "/app/activity", WIDTHS[0]);
    // WHEN the merchant searches for an order by name
    await page.getByLabel("Order", { exact: true }).fill("#1005");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/order=%231005/);
    // The URL changes before the new rows arrive: wait for the list itself to be the one order.
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-row]").length === 1, undefined, { timeout: 5_000 });
    // THEN the row says Failed with Meta's words, and links to the order in the Shopify admin, in the top window
    const link = page.locator("tbody a[data-order-link]");
    expect(await link.getAttribute("href")).toBe("https://admin.shopify.com/store/tandem-busy/orders/7000005");
    expect(await link.getAttribute("target")).toBe("_top");
    await page.getByRole("button", { name: "Details of #1005" }).click();
    const detail = page.locator("tbody [data-detail-for]");
    await detail.waitFor();
    const text = (await detail.textContent()) ?? "";
    expect(text).toContain("evt_tandem_5");
    expect(text).toContain("Invalid parameter");
    expect(text).toContain("Atrace5");
    expect(text).toContain("Email, Phone");
    expect(text).toContain("€25.00");
    expect(await seriousViolations(page)).toEqual([]);

    // WHEN exported, THEN the CSV has the filtered row: ids, words and values, no hashes
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export these as CSV" }).click()]);
    const csv = readFileSync((await download.path()) ?? "", "utf8").trim().split("\r\n");
    expect(download.suggestedFilename()).toMatch(/^tandem-activity-tandem-busy-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain("#1005,7000005,Purchase,evt_tandem_5");
    expect(csv.join("\n")).not.toMatch(/[0-9a-f]{64}/);
  });

  it("says reasons in words, filters by status with a loading state, and lists rows without sideways scrolling at 390 px", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("busy"), "/app/activity", WIDTHS[1], "&locale=de-DE");
    const items = page.locator("ul.tandem-narrow > li");
    expect(await items.count()).toBe(25);
    expect(await page.locator("table").isVisible()).toBe(false);
    await page.getByLabel("Status").selectOption("skipped");
    await page.waitForURL(/status=skipped/);
    await page.locator("ul.tandem-narrow > li [data-status=skipped]").first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll("ul.tandem-narrow > li [data-status]")].every((el) => el.getAttribute("data-status") === "skipped"));
    const body = (await page.locator("ul.tandem-narrow").textContent()) ?? "";
    expect(body).toContain("The shopper did not consent to marketing");
    expect(body).not.toContain("no_consent");
    expect(body).not.toContain("test_order");
    // de-DE numbers and dates (the admin's locale), English words
    expect(await page.locator("ul.tandem-narrow > li").first().textContent()).toMatch(/\d{2}\.\d{2}\.\d{4}|\d{1,2}\. \w+\.? \d{4}/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  });
});

describe.concurrent("Health that adds up", () => {
  it("holds Tandem's orders against Shopify's count: accounted for, skipped for consent, never received", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("busy"), "/app/health", WIDTHS[0], "&days=30");
    const sentence = (await page.locator("[data-reconciliation]").textContent({ timeout: 5_000 })) ?? "";
    // 320 received, 32 of them test orders (not in Shopify's count); Shopify has 10 more that never arrived.
    expect(sentence).toContain("of 298 orders Shopify counted as paid in the last 30 days");
    expect(await page.locator('[data-line="not-received"]').textContent()).toContain("10");
    expect(await page.locator('[data-line="skipped-no_consent"]').textContent()).toContain("32");
    expect(await page.locator('[data-share="em"]').textContent()).toMatch(/^Email: \d+%/);
    expect(await page.locator('[data-share="fbc"]').textContent()).toMatch(/^Click ID: \d+%/);
    expect(await page.locator('[data-chart] [data-series="Received"]').count()).toBe(30);
    // The text alternative: the numbers by day, in a table
    await page.getByText("Numbers by day").click();
    expect(await page.locator("table.tandem-day-table tbody tr").count()).toBe(30);
  });

  it("proves the pairing per web order, and says and lists apart the orders whose server Purchase failed (decision 0029)", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("busy"), "/app/health", WIDTHS[1], "&days=30");
    // 320 orders, 288 through a web checkout: 128 sent, 64 queued or retrying, 64 skipped on purpose, 32 dead (11 unreported)
    const summary = (await page.locator("[data-dedup-summary]").textContent({ timeout: 5_000 })) ?? "";
    expect(summary).toContain("Of 128 orders paid through a web checkout over the last 30 days and sent to Meta");
    expect(await page.locator('[data-share="server_only"]').textContent()).toContain("43 of 128 orders");
    const waiting = (await page.locator("[data-dedup-server-waiting]").textContent()) ?? "";
    expect(waiting).toContain("64 orders paid through a web checkout are still on their way to Meta from the server (queued or retrying).");
    expect(waiting).not.toContain("fix the shop's Meta setup");
    const failed = (await page.locator("[data-dedup-server-failed]").textContent()) ?? "";
    expect(failed).toContain("32 orders paid through a web checkout were not received by Meta from the server");
    expect(failed).toContain("For 11 of them no browser Purchase reached Tandem either, so those reached Meta from neither side.");
    expect(await page.locator("[data-dedup-not-sent]").textContent()).toContain("64 orders paid through a web checkout were not sent to Meta");
    const listed = page.locator('ul[aria-label="Orders whose server Purchase failed"] a[data-order-link]');
    expect(await listed.count()).toBe(10);
    expect(await listed.first().getAttribute("href")).toMatch(/^https:\/\/admin\.shopify\.com\/store\/tandem-busy\/orders\/70000\d5$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    // WHEN the merchant follows the card to Activity, THEN it lists the failed purchases, and Retry failed can send them again
    await page.getByRole("link", { name: "See failed events in Activity" }).click();
    await page.waitForURL(/\/app\/activity\?.*status=dead/);
    await page.waitForFunction(() => {
      const statuses = [...document.querySelectorAll("ul.tandem-narrow > li [data-status]")].map((el) => el.getAttribute("data-status"));
      return statuses.length > 0 && statuses.every((status) => status === "dead");
    });
    expect(await page.getByRole("button", { name: /^Retry failed \(\d+\)$/ }).isEnabled()).toBe(true);
  });

  it("says apart the web orders whose server Purchase waits for the merchant to fix the shop's Meta setup", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("paused"), "/app/health", WIDTHS[1]);
    // 40 web orders: 10 sent before Meta refused the token, 30 paused since
    const summary = (await page.locator("[data-dedup-summary]").textContent({ timeout: 5_000 })) ?? "";
    expect(summary).toContain("Of 10 orders paid through a web checkout over the last 7 days and sent to Meta");
    const waiting = page.locator("[data-dedup-server-waiting]");
    expect(await waiting.textContent()).toContain(
      "30 orders paid through a web checkout wait for you to fix the shop's Meta setup before the server's Purchase can reach Meta (Meta refused the shop's settings, or no pixel is saved yet). They are not counted above until their server Purchase is sent.",
    );
    expect(await page.locator('[data-share="same_id"]').textContent()).toContain("6 of 10 orders");
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows an empty state, not 0 of 0, and readable axis labels at 390 px", async ({ openAdmin, expect }) => {
    const fresh = await openAdmin(byName("fresh"), "/app/health", WIDTHS[1]);
    await fresh.locator("[data-empty-state]").waitFor({ timeout: 5_000 });
    expect(await fresh.textContent("body")).not.toMatch(/0 of 0/);
    const page = await openAdmin(byName("configured"), "/app/health", WIDTHS[1]);
    const sizes = await page.locator(".tandem-bars-axis span").evaluateAll((nodes) => nodes.filter((node) => node.textContent).map((node) => parseFloat(getComputedStyle(node).fontSize)));
    expect(sizes.length).toBe(7);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  });
});

describe.concurrent("Home", () => {
  it("opens the theme editor in the top window, not inside the app's frame", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("fresh"), "/app", WIDTHS[0]);
    const link = page.locator('[data-check="storefront_embed"] a[href*="/admin/themes/current/editor"]');
    await link.first().waitFor();
    expect(await link.first().getAttribute("target")).toBe("_top");
  });
});

describe.concurrent("the pause banner (decision 0022)", () => {
  it("says the cause in plain words with its deadline, keeps Meta's text behind details, and offers no link to the page it is on", async ({ openAdmin, expect }) => {
    const paused = byName("paused");
    const home = await openAdmin(paused, "/app", WIDTHS[0]);
    const banner = home.locator(".Polaris-Banner").filter({ hasText: "Purchases are not reaching Meta" }).first();
    await banner.waitFor();
    const text = (await banner.textContent()) ?? "";
    expect(text).toContain("Meta no longer accepts the access token");
    expect(text).toMatch(/Fix by \d{1,2} \w{3}, \d{2}:\d{2} UTC or \d+ purchases? can't be sent/);
    expect(text).not.toContain("will be sent once this is fixed");
    expect(await banner.getByText("Open settings").count()).toBe(1);

    const settings = await openAdmin(paused, "/app/settings", WIDTHS[0]);
    const onSettings = settings.locator(".Polaris-Banner").filter({ hasText: "Purchases are not reaching Meta" }).first();
    await onSettings.waitFor();
    expect(await onSettings.getByText("Open settings").count()).toBe(0);
    await onSettings.getByText("Details from Meta").click();
    await onSettings.getByText(/user changed their password/).waitFor();

    // Every page's banner carries the same deadline, on the shop's clock
    for (const path of ["/app/activity", "/app/health"]) {
      const other = await openAdmin(paused, path, WIDTHS[0]);
      const otherBanner = other.locator(".Polaris-Banner").filter({ hasText: "Purchases are not reaching Meta" }).first();
      await otherBanner.waitFor();
      expect((await otherBanner.textContent()) ?? "", path).toMatch(/Fix by \d{1,2} \w{3}, \d{2}:\d{2} UTC or \d+ purchases? can't be sent/);
    }
  });
});

describe.concurrent("shopper events in the admin (decision 0031)", () => {
  it("Activity opens on purchases; the Events filter lists a shopper event with its page, no order link, and exports it", async ({ openAdmin, expect }) => {
    const busy = byName("busy");
    const page = await openAdmin(busy, "/app/activity", WIDTHS[0]);
    // GIVEN 3,200 shopper events newer than most of the shop's 320 purchases, THEN the first page is purchases
    const rows = page.locator("tbody tr[data-row]");
    expect(await rows.count()).toBe(25);
    expect(await page.locator("tbody [data-shopper-event]").count()).toBe(0);
    expect(await page.locator("tbody a[data-order-link]").count()).toBe(25);

    // WHEN the merchant picks one kind of shopper event, THEN only those are listed, by name, linking no order
    await page.getByLabel("Events", { exact: true }).selectOption("AddToCart");
    await page.waitForURL(/events=AddToCart/);
    await page.waitForFunction(() => document.querySelectorAll("tbody [data-shopper-event]").length === 25);
    expect(await page.locator('tbody [data-shopper-event]:not([data-shopper-event="AddToCart"])').count()).toBe(0);
    expect(await page.locator("tbody a[data-order-link]").count()).toBe(0);
    const first = page.locator("tbody tr[data-row]").first();
    await first.getByRole("button", { name: /^Details of AddToCart sh_\d+$/ }).click();
    const detail = (await page.locator("tbody [data-detail-for]").textContent({ timeout: 5_000 })) ?? "";
    expect(detail).toContain("From the collector");
    expect(detail).toMatch(/https:\/\/tandem-busy\.myshopify\.com\/products\/item-\d+/);
    expect(await seriousViolations(page)).toEqual([]);

    // WHEN exported, THEN the CSV is those rows, each with its page
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export these as CSV" }).click()]);
    const csv = readFileSync((await download.path()) ?? "", "utf8").trim().split("\r\n");
    expect(csv[0]).toMatch(/,page_url$/);
    expect(csv).toHaveLength(1 + 3_200 / 5);
    expect(csv.slice(1).every((line) => /^[^,]+,,,AddToCart,sh_\d+,.*,https:\/\/tandem-busy\.myshopify\.com\/products\/item-\d+$/.test(line))).toBe(true);
  });

  it("at 390 px: shopper events as a list without sideways scrolling, and back to purchases with Clear", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("busy"), "/app/activity", WIDTHS[1], "&events=shopper");
    const items = page.locator("ul.tandem-narrow > li");
    expect(await items.count()).toBe(25);
    expect(await page.locator("ul.tandem-narrow [data-shopper-event]").count()).toBe(25);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.search.includes("events="));
    await page.waitForFunction(() => document.querySelectorAll("ul.tandem-narrow [data-shopper-event]").length === 0);
    expect(await page.locator("ul.tandem-narrow a[data-order-link]").count()).toBe(25);
  });

  it("Health's figures leave the shopper events out", async ({ openAdmin, expect }) => {
    const page = await openAdmin(byName("busy"), "/app/health", WIDTHS[0], "&days=30");
    const sentence = (await page.locator("[data-reconciliation]").textContent({ timeout: 5_000 })) ?? "";
    expect(sentence).toContain("of 298 orders Shopify counted as paid in the last 30 days");
  });
});

// Sequential, and last: it saves the configured shop's settings, which the tests above read as seeded.
describe("shopper events in the admin (decision 0031)", () => {
  it("Settings' Shopper events section at 1280 and 390 px: labelled switches with the defaults, axe clean, saved when changed", async ({ openAdmin, expect }) => {
    const configured = byName("configured");
    const defaults: Array<[string, boolean]> = [
      ["Page views", false],
      ["Product views", true],
      ["Searches", true],
      ["Adds to cart", true],
      ["Checkouts started", true],
      ["Payment info added", true],
    ];
    let page: Page | undefined;
    for (const width of [WIDTHS[1], WIDTHS[0]]) {
      page = await openAdmin(configured, "/app/settings", width);
      await page.getByRole("heading", { name: "Shopper events" }).waitFor({ timeout: 10_000 });
      for (const [label, on] of defaults) {
        const box = page.getByRole("checkbox", { name: label, exact: true });
        expect(await box.isVisible(), `${label} @${width.name}`).toBe(true);
        expect(await box.isChecked(), `${label} @${width.name}`).toBe(on);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `@${width.name}`).toBeLessThanOrEqual(0);
      expect(await seriousViolations(page)).toEqual([]);
    }
    if (page === undefined) throw new Error("no page");
    // WHEN the merchant turns page views on and saves (at 1280), THEN the shop's settings hold it
    await page.getByRole("checkbox", { name: "Page views", exact: true }).check();
    const saveBar = page.getByRole("region", { name: "Unsaved changes" });
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor({ timeout: 10_000 });
    const app = await server.appContext();
    expect((await app.shops.getShop(configured.shop))?.settings.funnelEvents).toEqual(expect.arrayContaining(["PageView", "ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"]));
    // and the page, opened again, shows it on
    const reopened = await openAdmin(configured, "/app/settings", WIDTHS[0]);
    await reopened.getByRole("heading", { name: "Shopper events" }).waitFor({ timeout: 10_000 });
    expect(await reopened.getByRole("checkbox", { name: "Page views", exact: true }).isChecked()).toBe(true);
  });
});
