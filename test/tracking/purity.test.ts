// app/tracking is shared with the Web Pixel: it must stay pure and the browser half must stay small.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const TRACKING_DIR = fileURLToPath(new URL("../../app/tracking", import.meta.url));

// The modules the pixel and the storefront embed may import (server-only: phone, order-*, purchase-*).
const BROWSER_MODULES = [
  "attributes",
  "event-id",
  "ids",
  "sha256",
  "normalize",
  "hash-user-data",
  "fbp-fbc",
  "consent",
  "event-names",
  "capi-types",
  "action-source",
  "content-id",
  "purchase-settings",
  "browser-mapping-settings",
  "pixel-id",
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

describe("app/tracking purity", () => {
  it("uses no environment, clock, randomness or Node built-ins", () => {
    const forbidden = [/process\.env/, /Date\.now\(/, /Math\.random\(/, /from\s+["']node:/, /\brequire\(/, /new Date\(\)/];
    const offenders = sourceFiles(TRACKING_DIR).flatMap((file) => {
      const source = readFileSync(file, "utf8");
      return forbidden.filter((pattern) => pattern.test(source)).map((pattern) => `${file}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });

  it("keeps zod and libphonenumber out of the browser-reachable modules, and the bundle small", async () => {
    const contents = BROWSER_MODULES.map((name) => `export * from "./${name}";`).join("\n");
    const result = await build({
      stdin: { contents, resolveDir: TRACKING_DIR, loader: "ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.includes("node_modules"))).toEqual([]);
    const bytes = result.outputFiles[0]?.contents.byteLength ?? Number.POSITIVE_INFINITY;
    // Everything exported at once (no tree-shaking) is ~8.3 KB with the catalog id rule and the settings types;
    // the pixel imports a subset against its 12 KB budget. A pulled-in library would add tens of KB, so this
    // ceiling catches it.
    expect(bytes).toBeLessThan(9 * 1024);
  });
});
