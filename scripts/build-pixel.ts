// Builds the browser code: the Web Pixel bundle (extensions/web-pixel/dist/) and the storefront embed's
// asset (extensions/storefront-capture/assets/tandem-capture.js, committed because Shopify serves it as is).
// `--tr-endpoint <url>` bakes another /tr base into the pixel (tests and demo point it at the simulator).
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const PIXEL_ENTRY = resolve(ROOT, "extensions/web-pixel/src/index.ts");
export const PIXEL_OUTFILE = resolve(ROOT, "extensions/web-pixel/dist/web-pixel.js");
export const CAPTURE_ENTRY = resolve(ROOT, "app/storefront-capture/tandem-capture.ts");
export const CAPTURE_OUTFILE = resolve(ROOT, "extensions/storefront-capture/assets/tandem-capture.js");

/**
 * The pixel as Shopify's CLI builds it (CLI 4.8: esbuild, minified, ES2015 — checked by test/shopify/cli-build), so
 * the bundle the Chromium tests run and measure is the one Shopify serves. Returns the bundle text.
 */
export async function buildPixel(options: { outfile?: string; trEndpoint?: string } = {}): Promise<string> {
  const outfile = options.outfile ?? PIXEL_OUTFILE;
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [PIXEL_ENTRY],
    outfile,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2015",
    platform: "browser",
    legalComments: "none",
    write: true,
    metafile: false,
    define:
      options.trEndpoint === undefined ? {} : { __TANDEM_TR_ENDPOINT__: JSON.stringify(options.trEndpoint) },
  });
  if (result.errors.length > 0) throw new Error("pixel build failed");
  const { readFile } = await import("node:fs/promises");
  return readFile(outfile, "utf8");
}

/** The embed asset: ES2017 so older storefront browsers parse it; returns the text without writing. */
export async function buildCaptureAsset(): Promise<string> {
  const result = await build({
    entryPoints: [CAPTURE_ENTRY],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2017",
    platform: "browser",
    legalComments: "none",
    write: false,
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("capture build produced no output");
  return file.text;
}

async function main(): Promise<void> {
  const endpointFlag = process.argv.indexOf("--tr-endpoint");
  const trEndpoint = endpointFlag === -1 ? undefined : process.argv[endpointFlag + 1];
  await buildPixel({ trEndpoint });
  const { writeFile } = await import("node:fs/promises");
  await writeFile(CAPTURE_OUTFILE, await buildCaptureAsset());
  console.log(`built ${PIXEL_OUTFILE}\nbuilt ${CAPTURE_OUTFILE}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
