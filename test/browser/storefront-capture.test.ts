import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CAPTURE_OUTFILE } from "../../scripts/build-pixel";
import { startFakeStorefront } from "../sim/fake-storefront";
import type { FakeStorefront, FakeStorefrontOptions } from "../sim/fake-storefront";
import { ARTIFACTS_DIR, launchChromium } from "./chromium";

// The committed embed asset, in Debian's Chromium, on a loopback storefront that records cart writes.
let browser: Browser;
let context: BrowserContext;
let storefront: FakeStorefront | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await context?.close();
  await storefront?.close();
  storefront = undefined;
  expect(pageErrors.splice(0)).toEqual([]);
});

async function open(options: Partial<FakeStorefrontOptions> = {}): Promise<Page> {
  storefront = await startFakeStorefront({ assetPath: CAPTURE_OUTFILE, ...options });
  context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // Chromium itself logs "Failed to load resource" for a 404 the script asked for; that line is the
    // browser's, not the embed's, and is expected where the Ajax Cart API is missing.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      pageErrors.push(message.text());
    }
  });
  return page;
}

async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "networkidle" });
}

async function cookie(name: string) {
  return (await context.cookies()).find((c) => c.name === name);
}

function sf(): FakeStorefront {
  if (storefront === undefined) throw new Error("storefront not started");
  return storefront;
}

describe("storefront capture in Chromium", () => {
  it("creates _fbp and _fbc, writes the cart once, and stays quiet on an unchanged reload", async () => {
    const page = await open();
    const before = Date.now();
    await visit(page, sf().url("127.0.0.1", "/products/linen-shirt?fbclid=IwAR-MiXeD_Case&gclid=G-1"));

    // GIVEN a first visit from an ad click, WHEN the embed runs, THEN Meta's cookies exist (host-only on an IP).
    const fbp = await cookie("_fbp");
    const fbc = await cookie("_fbc");
    expect(fbp?.value).toMatch(/^fb\.0\.\d{13}\.\d+$/);
    expect(fbc?.value).toMatch(/^fb\.0\.\d{13}\.IwAR-MiXeD_Case$/);
    expect(fbp?.sameSite).toBe("Lax");
    const days = ((fbp?.expires ?? 0) * 1000 - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    // AND exactly one cart write carries them with a fresh event id and the click ids.
    expect(sf().updates).toHaveLength(1);
    const written = sf().updates[0]?.attributes ?? {};
    expect(written._tandem_fbp).toBe(fbp?.value);
    expect(written._tandem_fbc).toBe(fbc?.value);
    expect(written._tandem_event_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(written._tandem_consent).toBe("mu;au;su");
    expect(JSON.parse(written._tandem_click_ids ?? "{}")).toEqual({ gclid: "G-1" });
    await page.screenshot({ path: `${ARTIFACTS_DIR}storefront-capture.png` });

    // WHEN the visitor browses on without anything changing, THEN no further write happens.
    await visit(page, sf().url("127.0.0.1", "/collections/all"));
    await page.reload({ waitUntil: "networkidle" });
    expect(sf().cartReads).toBe(3);
    expect(sf().updates).toHaveLength(1);

    // WHEN the same click id comes back, THEN _fbc keeps its first creation time.
    await visit(page, sf().url("127.0.0.1", "/?fbclid=IwAR-MiXeD_Case"));
    expect((await cookie("_fbc"))?.value).toBe(fbc?.value);
    expect(sf().updates).toHaveLength(1);

    // WHEN a different click id arrives, THEN _fbc is replaced and the cart updated once more.
    await visit(page, sf().url("127.0.0.1", "/?fbclid=SecondClick"));
    expect((await cookie("_fbc"))?.value).toMatch(/\.SecondClick$/);
    expect((await cookie("_fbp"))?.value).toBe(fbp?.value);
    expect(sf().updates).toHaveLength(2);
    expect(sf().updates[1]?.attributes._tandem_event_id).toBe(written._tandem_event_id);
  });

  it("mints a new event id when the cart token changes", async () => {
    const page = await open();
    await visit(page, sf().url("127.0.0.1"));
    const first = sf().updates[0]?.attributes._tandem_event_id;
    sf().setCartToken("cart-token-2");
    await visit(page, sf().url("127.0.0.1"));
    expect(sf().updates).toHaveLength(2);
    const second = sf().updates[1]?.attributes._tandem_event_id;
    expect(second).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).not.toBe(first);
  });

  it("keeps an existing _fbp and sets cookies on the registrable domain", async () => {
    const page = await open();
    await context.addCookies([
      { name: "_fbp", value: "fb.1.1700000000000.1234.AQ", domain: ".example.test", path: "/" },
    ]);
    await visit(page, sf().url("shop.example.test"));
    expect((await cookie("_fbp"))?.value).toBe("fb.1.1700000000000.1234.AQ");
    expect(sf().updates[0]?.attributes._tandem_fbp).toBe("fb.1.1700000000000.1234.AQ");

    // co.uk is a public suffix: the probe fails there and lands on example.co.uk, subdomain index 2.
    await visit(page, sf().url("www.shop.example.co.uk", "/?fbclid=Uk1"));
    const ukFbp = (await context.cookies("http://www.shop.example.co.uk/")).find((c) => c.name === "_fbp");
    expect(ukFbp?.domain).toBe(".example.co.uk");
    expect(ukFbp?.value).toMatch(/^fb\.2\.\d{13}\.\d+$/);
    expect((await context.cookies()).some((c) => c.name === "_tandem_probe")).toBe(false);
  });

  it("sets nothing and sends nothing until marketing consent arrives", async () => {
    const page = await open({ privacy: "pending" });
    await visit(page, sf().url("127.0.0.1", "/?fbclid=Consent1"));
    expect(await context.cookies()).toEqual([]);
    expect(sf().cartReads).toBe(0);
    expect(sf().updates).toHaveLength(0);

    // WHEN the visitor accepts the banner, THEN the embed reacts without a reload.
    await page.evaluate(() => (window as unknown as { __tandemTest: { setConsent(v: string): void } }).__tandemTest.setConsent("yes"));
    await expect.poll(() => sf().updates.length, { timeout: 5_000 }).toBe(1);
    expect(sf().updates[0]?.attributes._tandem_consent).toBe("m1;a1;s1");
    expect((await cookie("_fbc"))?.value).toMatch(/\.Consent1$/);
  });

  it("stays silent when the visitor declined", async () => {
    const page = await open({ privacy: "denied" });
    await visit(page, sf().url("127.0.0.1", "/?fbclid=No"));
    await visit(page, sf().url("127.0.0.1", "/cart"));
    expect(await context.cookies()).toEqual([]);
    expect(sf().cartReads + sf().updates.length).toBe(0);
  });

  it("uses the locale-aware routes root", async () => {
    const page = await open({ routesRoot: "/fr/", privacy: "granted" });
    await visit(page, sf().url("127.0.0.1", "/fr/products/chemise"));
    expect(sf().updates.map((update) => update.path)).toEqual(["/fr/cart/update.js"]);
    expect(sf().updates[0]?.attributes._tandem_consent).toBe("m1;a1;s1");
  });

  it("is harmless where the Ajax Cart API is missing", async () => {
    const page = await open({ ajaxCart: false });
    // Chromium keeps an unread 404 body "in flight", so networkidle never comes: wait for the cookie instead.
    await page.goto(sf().url("127.0.0.1"), { waitUntil: "load" });
    await expect.poll(async () => (await cookie("_fbp"))?.value ?? "", { timeout: 5_000 }).toMatch(/^fb\.0\./);
    await expect.poll(() => sf().cartReads === 0 && sf().updates.length === 0, { timeout: 1_000 }).toBe(true);
  });
});
