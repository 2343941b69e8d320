// `shopify app build` — the Shopify CLI 4.8 from node_modules, offline — builds the app as a developer would
// before `shopify app deploy`. It exits 0 even when its theme check reports an error or esbuild warns, so
// these tests read what it prints, and prove on broken copies that each kind of problem is caught.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PIXEL_HANDLE,
  THEME_HANDLE,
  buildWithCli,
  copyAppForCli,
  removeCopy,
  type CliBuild,
} from "../../scripts/shopify/cli-build";
import { BUDGET, SHOPIFY_PIXEL_LIMIT_BYTES, cliPixelProblems, sizeOfPixelFile } from "../../scripts/check-bundle-sizes";

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(file, after);
}

/** A fresh copy of the app with `breakIt` applied, built by the CLI. */
async function buildBroken(breakIt: (appDir: string) => Promise<void>): Promise<CliBuild> {
  const appDir = await copyAppForCli();
  await breakIt(appDir);
  return buildWithCli(appDir);
}

describe("shopify app build", () => {
  let good: CliBuild;
  let noisy: CliBuild;
  let badAppToml: CliBuild;
  let badExtensionToml: CliBuild;

  beforeAll(async () => {
    // Two builds at a time: each CLI run is CPU-bound, and CI machines have few cores.
    [good, noisy] = await Promise.all([
      buildWithCli(),
      buildBroken(async (dir) => {
        await edit(join(dir, "extensions/storefront-capture/blocks/tandem-capture.liquid"), (text) =>
          text.replace('"t:name"', '"t:missing_key"'),
        );
        await edit(join(dir, "extensions/web-pixel/src/endpoint.ts"), (text) => `${text}\nexport const twice = { a: 1, a: 2 };\n`);
      }),
    ]);
    [badAppToml, badExtensionToml] = await Promise.all([
      buildBroken((dir) => edit(join(dir, "shopify.app.toml"), (text) => text.replace(/^embedded = true$/m, 'embedded = "yes"'))),
      buildBroken((dir) =>
        edit(join(dir, "extensions/web-pixel/shopify.extension.toml"), (text) =>
          text.replace(/^runtime_context = "strict"$/m, "runtime_context = 1"),
        ),
      ),
    ]);
    const runs = { good, noisy, badAppToml, badExtensionToml };
    console.log(`shopify app build: ${Object.entries(runs).map(([name, run]) => `${name} ${run.durationMs} ms`).join(", ")}`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([good, noisy, badAppToml, badExtensionToml].map((build) => build && removeCopy(build.appDir)));
  });

  it("builds the app and both extensions without an error or a warning", () => {
    expect(good.exitCode, good.output).toBe(0);
    expect(good.problems).toEqual([]);
    expect(good.output).toMatch(new RegExp(`${THEME_HANDLE} │ Running theme check`));
    expect(good.output).toMatch(new RegExp(`${PIXEL_HANDLE} │ ${PIXEL_HANDLE} successfully built`));
    expect(good.output).toContain("╭─ success");
    expect(existsSync(good.pixelFile)).toBe(true);
  });

  it("catches a theme-check error and an esbuild warning, which the CLI prints but exits 0 on", () => {
    expect(noisy.exitCode).toBe(0);
    expect(noisy.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\[error\]: ValidSchemaTranslations/),
        expect.stringMatching(/▲ \[WARNING\] Duplicate key "a"/),
      ]),
    );
  });

  it("loads shopify.app.toml with the CLI's schema: a value of the wrong type stops the build", () => {
    expect(badAppToml.exitCode).not.toBe(0);
    expect(badAppToml.output).toMatch(/Validation errors? in .*shopify\.app\.toml/);
    expect(badAppToml.output).toContain("[embedded]");
  });

  it("loads each extension's shopify.extension.toml with its schema", () => {
    expect(badExtensionToml.exitCode).not.toBe(0);
    expect(badExtensionToml.output).toContain("Validation error in");
    expect(badExtensionToml.output).toContain("web-pixel/shopify.extension.toml");
    expect(badExtensionToml.output).toContain("[runtime_context]");
  });

  it("builds a web pixel within Shopify's 128 KB limit and our own budget", async () => {
    const size = await sizeOfPixelFile(good.pixelFile);
    console.log(`web pixel as the CLI builds it: ${size.minified} B, gzipped ${size.gzipped} B (budget ${BUDGET.pixelMinifiedBytes} B)`);
    expect(cliPixelProblems(size)).toEqual([]);
    // The check reports a pixel over either limit.
    expect(cliPixelProblems({ ...size, minified: BUDGET.pixelMinifiedBytes + 1 })).toHaveLength(1);
    expect(cliPixelProblems({ ...size, minified: SHOPIFY_PIXEL_LIMIT_BYTES + 1 })).toHaveLength(2);
  });
});
