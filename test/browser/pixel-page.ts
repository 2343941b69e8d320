// Drives the pixel harness (pixel-harness.ts) from a test: serve the page, load a fresh pixel per page load
// on the same origin's storage, relay events, and read what the shop's console would have shown.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { HARNESS_PAGE, workerSource } from "./pixel-harness";
import type { HarnessInit } from "./pixel-harness";

export type HarnessServer = { url: string; close(): Promise<void> };

export async function startHarnessServer(): Promise<HarnessServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(HARNESS_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type HarnessWindow = {
  startPixel(source: string): void;
  emit(event: unknown): void;
  delivered: string[];
  workerErrors: string[];
  storageLog: string[];
};

export type PixelPage = {
  page: Page;
  /** A new page load (same origin, same storage) with a fresh pixel instance. */
  load(): Promise<void>;
  /** Relays events in order, then waits until the pixel has had them all and its storage is quiet. */
  emit(events: readonly unknown[]): Promise<void>;
  /** Console errors, page errors and anything the pixel let escape its worker. */
  errors(): Promise<string[]>;
  storageLog(): Promise<string[]>;
  close(): Promise<void>;
};

/** A fresh browser context (own storage) with the harness page; call load() before emitting. */
export async function openPixelPage(browser: Browser, harness: HarnessServer, bundle: string, init: HarnessInit): Promise<PixelPage> {
  // A shopper's User-Agent when the test needs one: the collector ignores headless Chromium's as a bot.
  const context: BrowserContext = await browser.newContext(init.userAgent === undefined ? {} : { userAgent: init.userAgent });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  const source = workerSource(bundle, init);

  async function quiet(): Promise<void> {
    // The pixel works asynchronously; it is done when every event was delivered and storage saw no call
    // for a while (a write follows the read it depends on within a few milliseconds).
    let last = -1;
    for (let stable = 0; stable < 3; ) {
      await page.waitForTimeout(100);
      const count = await page.evaluate(() => (window as unknown as HarnessWindow).storageLog.length);
      stable = count === last ? stable + 1 : 0;
      last = count;
    }
  }

  return {
    page,
    async load() {
      await page.goto(harness.url);
      await page.evaluate((code) => (window as unknown as HarnessWindow).startPixel(code), source);
    },
    async emit(events) {
      for (const event of events) {
        await page.evaluate((payload) => (window as unknown as HarnessWindow).emit(payload), event);
      }
      const expected = events.length;
      await page.waitForFunction((n) => (window as unknown as HarnessWindow).delivered.length >= n, expected);
      await quiet();
    },
    async errors() {
      const fromWorker = await page.evaluate(() => (window as unknown as HarnessWindow).workerErrors);
      return [...consoleErrors, ...fromWorker];
    },
    storageLog: () => page.evaluate(() => (window as unknown as HarnessWindow).storageLog),
    close: () => context.close(),
  };
}
