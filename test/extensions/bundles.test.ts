import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CAPTURE_OUTFILE, buildCaptureAsset } from "../../scripts/build-pixel";
import { BUDGET, measureBundles, overBudget } from "../../scripts/check-bundle-sizes";

describe("browser bundles", () => {
  it("the committed embed asset is the build of its TypeScript source", async () => {
    expect(await readFile(CAPTURE_OUTFILE, "utf8")).toBe(await buildCaptureAsset());
  });

  it("stay within budget, and the check reports a bundle that is not", async () => {
    const sizes = await measureBundles();
    expect(overBudget(sizes)).toEqual([]);
    expect(sizes.pixel.minified).toBeLessThanOrEqual(BUDGET.pixelMinifiedBytes);
    expect(sizes.capture.gzipped).toBeLessThanOrEqual(BUDGET.captureGzippedBytes);
    const bloated = { ...sizes, pixel: { ...sizes.pixel, minified: BUDGET.pixelMinifiedBytes + 1 } };
    expect(overBudget(bloated)).toHaveLength(1);
  });

  it("keeps zod and libphonenumber out of the pixel", async () => {
    const bundle = await readFile(new URL("../../extensions/web-pixel/dist/web-pixel.js", import.meta.url), "utf8");
    expect(bundle).toContain("https://www.facebook.com/tr");
    expect(bundle).not.toMatch(/libphonenumber|ZodError/);
  });
});
