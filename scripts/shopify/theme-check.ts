// theme-check (Shopify's Liquid linter, @shopify/theme-check-node) with the configuration Shopify ships for
// theme app extensions — the checks `shopify app build` runs on extensions/storefront-capture.
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Offense } from "@shopify/theme-check-node";

export const THEME_APP_EXTENSION_CONFIG = "theme-check:theme-app-extension";

// theme-check refreshes its Liquid docs from GitHub into the user cache, then reads that cache. Pointing the
// refresh at a local folder that does not exist, and the cache at a folder of our own that nothing downloads
// into, keeps it offline and on the docs shipped in the installed package: the same answer on every machine
// and in CI. The cache location is read when the package loads, so this runs before the first import.
async function pinDocsOffline(): Promise<void> {
  const home = join(tmpdir(), "tandem-theme-check-offline");
  await mkdir(home, { recursive: true });
  process.env.XDG_CACHE_HOME = home;
  process.env.SHOPIFY_TLD_ROOT = join(home, "no-remote-docs");
}

/** All offenses theme-check reports for the extension folder `root`. */
export async function runThemeCheck(root: string): Promise<Offense[]> {
  await pinDocsOffline();
  const { check } = await import("@shopify/theme-check-node");
  return check(root, THEME_APP_EXTENSION_CONFIG);
}

/** The resolved configuration, to show which checks ran. */
export async function themeCheckConfig(root: string) {
  await pinDocsOffline();
  const { loadConfig } = await import("@shopify/theme-check-node");
  return loadConfig(THEME_APP_EXTENSION_CONFIG, root);
}

export function describeOffense(offense: Offense): string {
  const file = offense.uri.replace(/^file:\/\//, "");
  return `${offense.check} (${offense.severity}) ${file}: ${offense.message}`;
}
