import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/shopify/cli-build";
import { describeOffense, runThemeCheck, themeCheckConfig } from "../../scripts/shopify/theme-check";

const EXTENSION = join(ROOT, "extensions/storefront-capture");
const BLOCK = "blocks/tandem-capture.liquid";

describe("theme-check with Shopify's theme-app-extension config", () => {
  const copies: string[] = [];
  afterAll(async () => {
    await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("runs the app-extension checks, not the theme ones", async () => {
    const config = await themeCheckConfig(EXTENSION);
    expect(config.context).toBe("app");
    const names = config.checks.map((check) => check.meta.code);
    expect(names).toEqual(expect.arrayContaining(["AppBlockValidTags", "ValidSchemaTranslations", "AssetSizeAppBlockJavaScript"]));
  });

  it("reports nothing on extensions/storefront-capture", async () => {
    const offenses = await runThemeCheck(EXTENSION);
    expect(offenses.map(describeOffense)).toEqual([]);
  });

  it("reports a schema name whose t: key has no entry in the locale file", async () => {
    // GIVEN a copy of the extension whose embed names a translation key that does not exist
    const copy = await mkdtemp(join(tmpdir(), "tandem-theme-check-"));
    copies.push(copy);
    await cp(EXTENSION, copy, { recursive: true });
    const block = await readFile(join(copy, BLOCK), "utf8");
    expect(block).toContain('"t:name"');
    await writeFile(join(copy, BLOCK), block.replace('"t:name"', '"t:missing_key"'));
    // WHEN theme-check runs on it THEN it names the missing translation
    const offenses = await runThemeCheck(copy);
    expect(offenses.map((offense) => offense.check)).toContain("ValidSchemaTranslations");
    expect(offenses.map(describeOffense).join("\n")).toContain("t:missing_key");
  });
});
