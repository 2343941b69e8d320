import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

// docs/CONTRACTS.md and docs/ARCHITECTURE.md describe the code in words and point to the files that declare it,
// instead of copying signatures that drift. A pointer can still go stale when a file moves: this keeps every
// path they name real.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOCS = ["docs/CONTRACTS.md", "docs/ARCHITECTURE.md"];
const TOP_LEVEL = /^(app|bin|server|sim|scripts|test|extensions|docs)\//;

function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]);
  // Patterns (`app/db/*.server.ts`, `<pixel>`) name families of files, not one file.
  return spans.filter((span) => TOP_LEVEL.test(span) && !/[*<>]/.test(span)).map((span) => span.replace(/\/$/, ""));
}

describe("paths named in the docs", () => {
  it.each(DOCS)("every file or folder %s names exists", (doc) => {
    const paths = namedPaths(readFileSync(join(ROOT, doc), "utf8"));
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});
