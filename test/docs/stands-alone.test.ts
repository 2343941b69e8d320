import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";

// The repository stands alone: comments and docs cite files inside it (docs/meta-capi-facts.md,
// docs/shopify-platform-facts.md, docs/decisions/…), never notes that live elsewhere, and a citation of a
// section or a decision names one that exists.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FOLDERS = ["app", "server", "bin", "scripts", "sim", "test", "extensions", "docs"];
const SKIP = new Set(["node_modules", "build", "dist", "assets", ".cache"]);
const TEXT = /\.(ts|tsx|js|mjs|cjs|md|toml|liquid|json)$/;
const THIS_FILE = fileURLToPath(import.meta.url);

// Files outside the repository that earlier comments cited, by name or by section sign.
const OUTSIDE = [/\bDESIGN(\.md)? ?§/, /\bDESIGN\.md\b/, /reference\/(meta-capi|shopify-platform|destinations)\.md/, /\/work\/shared\b/, /\bSTYLE\.md\b/, /\breference §/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return TEXT.test(name) && path !== THIS_FILE ? [path] : [];
  });
}

function sources(): { path: string; text: string }[] {
  const all = [join(ROOT, "README.md"), ...FOLDERS.flatMap((folder) => files(join(ROOT, folder)))];
  return all.map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));
}

function headings(doc: string): Set<string> {
  const text = readFileSync(join(ROOT, doc), "utf8");
  return new Set([...text.matchAll(/^##+ (.+)$/gm)].map((match) => match[1].trim()));
}

describe("the repository stands alone", () => {
  it("cites no notes kept outside it", () => {
    const found = sources().flatMap(({ path, text }) =>
      text.split("\n").flatMap((line, index) => (OUTSIDE.some((pattern) => pattern.test(line)) ? [`${path}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it("cites sections of the facts docs that exist", () => {
    const docs = ["docs/meta-capi-facts.md", "docs/shopify-platform-facts.md"];
    const known = new Map(docs.map((doc) => [doc, headings(doc)]));
    const missing = sources().flatMap(({ path, text }) =>
      docs.flatMap((doc) => {
        // `docs/x.md, "Heading"` and `docs/x.md ("Heading")`, possibly across a comment line break.
        const flat = text.replace(/\n\s*(\/\/|\*|#)?\s*/g, " ");
        const cited = [...flat.matchAll(new RegExp(`${doc.replace(/[.]/g, "\\.")},? \\(?"([^"]+)"`, "g"))].map((m) => m[1]);
        // A citation may shorten a heading to its start ("Graph API errors" for "Graph API errors and what they stop").
        const exists = (cite: string) => [...(known.get(doc) ?? [])].some((heading) => heading.startsWith(cite));
        return cited.filter((cite) => !exists(cite)).map((cite) => `${path}: ${doc} "${cite}"`);
      }),
    );
    expect(missing).toEqual([]);
  });

  it("cites decision records that exist", () => {
    const records = new Set(readdirSync(join(ROOT, "docs/decisions")).map((name) => name.slice(0, 4)));
    const missing = sources().flatMap(({ path, text }) =>
      [...text.matchAll(/docs\/decisions\/(\d{4})/g)].map((m) => m[1]).filter((n) => !records.has(n)).map((n) => `${path}: ${n}`),
    );
    expect(missing).toEqual([]);
  });

  it("has the facts docs it cites", () => {
    expect(existsSync(join(ROOT, "docs/meta-capi-facts.md"))).toBe(true);
    expect(existsSync(join(ROOT, "docs/shopify-platform-facts.md"))).toBe(true);
  });
});
