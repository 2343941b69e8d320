// The deploy rules for extensions/storefront-capture: what `shopify app deploy` and Shopify's upload would
// refuse, checked offline. Each rule is proven on a temp layout that breaks it.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/shopify/cli-build";
import {
  RULE,
  THEME_EXTENSION_LIMITS,
  checkThemeExtension,
  type RuleCode,
} from "../../scripts/shopify/theme-extension-rules";

const EXTENSION = join(ROOT, "extensions/storefront-capture");
const LIMITS = THEME_EXTENSION_LIMITS;
const copies: string[] = [];

/** A copy of the real extension with `files` added (path → content). */
async function layoutWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-theme-rules-"));
  copies.push(dir);
  await cp(EXTENSION, dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

async function rulesBroken(files: Record<string, string | Buffer>): Promise<RuleCode[]> {
  return (await checkThemeExtension(await layoutWith(files))).map((violation) => violation.rule);
}

// Incompressible bytes, so gzip cannot shrink a file under a compressed-size rule.
function noise(bytes: number): string {
  let seed = 1;
  let text = "";
  while (text.length < bytes) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    text += seed.toString(36);
  }
  return text.slice(0, bytes);
}

const block = (name: string) => `{% schema %}{"name": "${name}", "target": "body", "settings": []}{% endschema %}\n`;

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("theme app extension deploy rules", () => {
  it("hold for extensions/storefront-capture", async () => {
    expect(await checkThemeExtension(EXTENSION)).toEqual([]);
  });

  it("reject a folder Shopify does not deploy, like a src/ beside the assets", async () => {
    expect(await rulesBroken({ "src/tandem-capture.ts": "export {};\n" })).toEqual([RULE.folder]);
  });

  it("reject a file type its folder does not accept", async () => {
    expect(await rulesBroken({ "assets/tandem-capture.ts": "export {};\n" })).toEqual([RULE.fileType]);
    expect(await rulesBroken({ "blocks/readme.md": "notes\n" })).toEqual([RULE.fileType]);
    expect(await rulesBroken({ "snippets/part.html": "<p></p>\n" })).toEqual([RULE.fileType]);
    expect(await rulesBroken({ "locales/en.default.yml": "name: x\n" })).toEqual([RULE.fileType]);
  });

  it("reject files in subfolders and stray files at the root", async () => {
    expect(await rulesBroken({ "assets/vendor/lib.js": ";\n" })).toEqual([RULE.nested]);
    expect(await rulesBroken({ "tandem-capture.js": ";\n" })).toEqual([RULE.rootFile]);
  });

  it("reject more Liquid than Shopify allows across blocks and snippets", async () => {
    const half = `{% comment %}${"x".repeat(LIMITS.liquidBytes / 2)}{% endcomment %}\n`;
    expect(await rulesBroken({ "snippets/a.liquid": half, "snippets/b.liquid": half })).toEqual([RULE.liquidSize]);
  });

  it("reject an extension over the total size limit", async () => {
    expect(await rulesBroken({ "assets/photo.png": Buffer.alloc(LIMITS.totalBytes + 1) })).toEqual([RULE.totalSize]);
  });

  it("reject more app blocks than Shopify allows", async () => {
    const blocks = Object.fromEntries(
      Array.from({ length: LIMITS.appBlocks }, (_, i) => [`blocks/extra-${i}.liquid`, block(`Extra ${i}`)]),
    );
    expect(await rulesBroken(blocks)).toEqual([RULE.appBlocks]);
  });

  it("reject badly named, duplicate default and oversized locale files", async () => {
    expect(await rulesBroken({ "locales/english.json": "{}" })).toEqual([RULE.localeName]);
    expect(await rulesBroken({ "locales/fr.default.schema.json": "{}" })).toEqual([RULE.localeDefault]);
    const big = JSON.stringify({ name: "x".repeat(LIMITS.localeFileBytes) });
    expect(await rulesBroken({ "locales/fr.schema.json": big })).toEqual([RULE.localeSize]);
  });

  it("reject assets over Shopify's suggested compressed sizes", async () => {
    const js = `/*${noise(LIMITS.suggestedJavaScriptGzipBytes * 2)}*/\n`;
    expect(await rulesBroken({ "assets/big.js": js })).toEqual([RULE.javaScriptSize]);
    const css = `/*${noise(LIMITS.suggestedCssGzipBytes * 2)}*/\n`;
    expect(await rulesBroken({ "assets/big.css": css })).toEqual([RULE.cssSize]);
  });
});
