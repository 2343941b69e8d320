// Fails (exit 1) when a browser bundle is over budget: the pixel ≤ 12 KB minified as Shopify's CLI builds it for
// ES2015 (Shopify allows 128 kB; we want far less on every checkout — decision 0017), the embed asset ≤ 3 KB
// gzipped (it loads on every storefront page). The pixel is measured twice: our esbuild step (same target as
// the CLI) and `shopify app build` itself, which is what Shopify serves.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { CAPTURE_ENTRY, CAPTURE_OUTFILE, PIXEL_ENTRY, buildPixel } from "./build-pixel";
import { buildWithCli, removeCopy } from "./shopify/cli-build";

export const BUDGET = { pixelMinifiedBytes: 12 * 1024, captureGzippedBytes: 3 * 1024 } as const;
/** Shopify refuses a web pixel whose built file is larger (CLI 4.8 checks it during `app build`). */
export const SHOPIFY_PIXEL_LIMIT_BYTES = 128 * 1024;

export type BundleSize = { raw: number; minified: number; gzipped: number };

async function rawSize(entry: string, target: string): Promise<number> {
  const result = await build({ entryPoints: [entry], bundle: true, minify: false, format: "iife", target, write: false });
  return result.outputFiles[0]?.contents.byteLength ?? 0;
}

function sizeOf(text: string, raw: number): BundleSize {
  const bytes = Buffer.from(text);
  return { raw, minified: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength };
}

export async function measureBundles(): Promise<{ pixel: BundleSize; capture: BundleSize }> {
  const pixel = sizeOf(await buildPixel(), await rawSize(PIXEL_ENTRY, "es2015"));
  const capture = sizeOf(await readFile(CAPTURE_OUTFILE, "utf8"), await rawSize(CAPTURE_ENTRY, "es2017"));
  return { pixel, capture };
}

export function overBudget(sizes: { pixel: BundleSize; capture: BundleSize }): string[] {
  const problems: string[] = [];
  if (sizes.pixel.minified > BUDGET.pixelMinifiedBytes) {
    problems.push(`web pixel is ${sizes.pixel.minified} B minified (budget ${BUDGET.pixelMinifiedBytes} B)`);
  }
  if (sizes.capture.gzipped > BUDGET.captureGzippedBytes) {
    problems.push(`storefront capture is ${sizes.capture.gzipped} B gzipped (budget ${BUDGET.captureGzippedBytes} B)`);
  }
  return problems;
}

/** Sizes of an already minified bundle file, e.g. the web pixel `shopify app build` wrote. */
export async function sizeOfPixelFile(file: string): Promise<BundleSize> {
  const text = await readFile(file, "utf8");
  return sizeOf(text, Buffer.byteLength(text));
}

export function cliPixelProblems(size: BundleSize): string[] {
  const problems: string[] = [];
  if (size.minified > SHOPIFY_PIXEL_LIMIT_BYTES) {
    problems.push(`CLI-built web pixel is ${size.minified} B (Shopify's limit ${SHOPIFY_PIXEL_LIMIT_BYTES} B)`);
  }
  if (size.minified > BUDGET.pixelMinifiedBytes) {
    problems.push(`CLI-built web pixel is ${size.minified} B (budget ${BUDGET.pixelMinifiedBytes} B)`);
  }
  return problems;
}

async function measureCliPixel(): Promise<{ size: BundleSize | null; problems: string[] }> {
  const cli = await buildWithCli();
  try {
    if (cli.exitCode !== 0) return { size: null, problems: [`shopify app build failed:\n${cli.output}`] };
    const size = await sizeOfPixelFile(cli.pixelFile);
    return { size, problems: cliPixelProblems(size) };
  } finally {
    await removeCopy(cli.appDir);
  }
}

async function main(): Promise<void> {
  const sizes = await measureBundles();
  for (const [name, size] of Object.entries(sizes)) {
    console.log(`${name}: raw ${size.raw} B, minified ${size.minified} B, gzipped ${size.gzipped} B`);
  }
  const cli = await measureCliPixel();
  if (cli.size !== null) {
    console.log(`pixel (shopify app build): ${cli.size.minified} B, gzipped ${cli.size.gzipped} B`);
  }
  const problems = [...overBudget(sizes), ...cli.problems];
  for (const problem of problems) console.error(problem);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith("check-bundle-sizes.ts")) await main();
