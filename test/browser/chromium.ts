import { mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

export const ARTIFACTS_DIR = new URL("../../test-artifacts/browser/", import.meta.url).pathname;

/**
 * Debian's Chromium, headless and quiet. Hosts under example.co.uk / example.test resolve to loopback so
 * the embed's registrable-domain probing runs against real public-suffix rules (co.uk is a public suffix).
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    timeout: 20_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--host-resolver-rules=MAP *.example.co.uk 127.0.0.1, MAP *.example.test 127.0.0.1",
    ],
  });
}
