import type { Browser, BrowserContext, Page } from "playwright-core";
import { embeddedQuery, mintSessionToken } from "../admin/session-token";

// Tabs of the embedded admin kept open from test to test: one browser context per viewport, and pages in it
// that a test borrows and gives back. A fresh context per page costs a new renderer process and a cold cache
// for Polaris' scripts and styles, most of what a page took. Every page is still a new document from the server
// with its own session token, as when the merchant opens an app page; the app keeps no cookie or storage a
// later document reads (its session is the token in the URL), so a reused tab shows what a fresh one did.

const DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

export type Viewport = { width: number; height: number };

export type AdminTabs = {
  /**
   * Opens the page in a borrowed tab once the network is quiet. What the page throws or logs as an error, until
   * the tab is given back, goes to `errors`.
   */
  open(shop: string, path: string, viewport: Viewport, errors: string[], extra?: string): Promise<Page>;
  /** Unloads the tab's document (so nothing it does later goes unseen) and keeps the tab for the next test. */
  giveBack(page: Page): Promise<void>;
};

export function adminTabs(browser: Browser, origin: string): AdminTabs {
  const contexts = new Map<string, Promise<BrowserContext>>();
  const idle = new Map<string, Page[]>();
  const keys = new Map<Page, string>();
  const sinks = new Map<Page, string[]>();

  function contextFor(key: string, viewport: Viewport): Promise<BrowserContext> {
    let context = contexts.get(key);
    if (context === undefined) {
      // The library answers 410 to bots, and headless Chromium's default user agent says "HeadlessChrome".
      context = browser.newContext({ viewport, userAgent: DESKTOP_UA, acceptDownloads: true }).then(async (created) => {
        // App Bridge's CDN script cannot load here; fail it at once instead of letting the page hang on it.
        await created.route(/^https:\/\/cdn\.shopify\.com\//, (route) => route.abort());
        return created;
      });
      contexts.set(key, context);
    }
    return context;
  }

  async function borrow(viewport: Viewport): Promise<Page> {
    const key = `${viewport.width}x${viewport.height}`;
    const kept = idle.get(key)?.pop();
    if (kept !== undefined) return kept;
    const page = await (await contextFor(key, viewport)).newPage();
    keys.set(page, key);
    page.on("pageerror", (error) => sinks.get(page)?.push(error.message));
    page.on("console", (message) => {
      // Chromium's own line for the aborted CDN script is expected; anything else from the page is not.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) sinks.get(page)?.push(message.text());
    });
    return page;
  }

  return {
    async open(shop, path, viewport, errors, extra = "") {
      const page = await borrow(viewport);
      sinks.set(page, errors);
      const token = mintSessionToken({ shop, apiKey: "test-api-key", secret: "test-api-secret" });
      await page.goto(`${origin}${path}?${embeddedQuery(shop, token)}${extra}`, { waitUntil: "networkidle" });
      return page;
    },
    async giveBack(page) {
      try {
        await page.goto("about:blank");
      } catch {
        // A tab that cannot even unload (its test timed out mid-navigation) is closed, not reused.
        await page.close();
        return;
      }
      sinks.delete(page);
      const key = keys.get(page) ?? "";
      idle.set(key, [...(idle.get(key) ?? []), page]);
    },
  };
}
