// What every test of the built pixel in a Chromium Web Worker starts from: the bundle built to send /tr to the
// test's Meta simulator, the harness page's server, and Chromium. `open` gives a fresh page on them.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPixel } from "../../scripts/build-pixel";
import { launchChromium } from "./chromium";
import type { HarnessInit } from "./pixel-harness";
import { openPixelPage, startHarnessServer, type PixelPage } from "./pixel-page";

export type PixelRig = {
  open(init: HarnessInit): Promise<PixelPage>;
  close(): Promise<void>;
};

/** `trEndpoint`: where the bundle sends Meta's /tr requests; `tmpPrefix` names the bundle's temporary folder. */
export async function startPixelRig(trEndpoint: string, tmpPrefix: string): Promise<PixelRig> {
  const dir = await mkdtemp(join(tmpdir(), tmpPrefix));
  const bundle = await buildPixel({ outfile: join(dir, "web-pixel.js"), trEndpoint });
  const harness = await startHarnessServer();
  const browser = await launchChromium().catch(async (error: unknown) => {
    await harness.close();
    throw error;
  });
  return {
    open: (init) => openPixelPage(browser, harness, bundle, init),
    async close() {
      await browser.close();
      await harness.close();
    },
  };
}
