import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

// Decision records are written once and superseded, not rewritten (docs/decisions/README.md). Every record
// carries a date and a status, and the index in the README lists each one with the same date and status, so
// a reader can tell from the index alone which decisions still hold.

const DIR = fileURLToPath(new URL("../../docs/decisions/", import.meta.url));
const RECORD = /^\d{4}-.+\.md$/;
const STATUS = /^(proposed|accepted|superseded by \d{4})\b/;

function records(): { file: string; text: string }[] {
  return readdirSync(DIR)
    .filter((file) => RECORD.test(file))
    .map((file) => ({ file, text: readFileSync(join(DIR, file), "utf8") }));
}

function headerLine(text: string, key: string): string | undefined {
  const line = text.split("\n").slice(0, 8).find((l) => l.startsWith(`${key}: `));
  return line?.slice(key.length + 2);
}

describe("decision records", () => {
  it("each has a date and a status line under its title", () => {
    const missing = records().flatMap(({ file, text }) => {
      const problems: string[] = [];
      if (!/^\d{4}-\d{2}-\d{2}$/.test(headerLine(text, "Date") ?? "")) problems.push(`${file}: no "Date: YYYY-MM-DD"`);
      if (!STATUS.test(headerLine(text, "Status") ?? "")) problems.push(`${file}: no "Status: accepted|proposed|superseded by NNNN"`);
      return problems;
    });
    expect(missing).toEqual([]);
  });

  it("each is in the README's index with its own date and status", () => {
    const index = readFileSync(join(DIR, "README.md"), "utf8");
    const mismatched = records().flatMap(({ file, text }) => {
      const row = index.split("\n").find((line) => line.includes(`(${file})`));
      if (!row) return [`${file}: not in the index`];
      const [, , , date, status] = row.split("|").map((cell) => cell.trim());
      const want = { date: headerLine(text, "Date"), status: headerLine(text, "Status")?.replace(/\.$/, "") };
      return date === want.date && status === want.status ? [] : [`${file}: index says ${date} / ${status}`];
    });
    expect(mismatched).toEqual([]);
  });
});
