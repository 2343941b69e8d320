import { fmt } from "./stats";

// The bench's printed table: one line per figure, with its budget and PASS/FAIL when it has one.

export type Row = { section: string; label: string; value: string; budget?: string; pass?: boolean };

export function printReport(rows: readonly Row[]): boolean {
  const width = Math.max(...rows.map((r) => r.label.length));
  let section = "";
  let allPass = true;
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      console.log(`\n── ${section} ${"─".repeat(Math.max(0, 86 - section.length))}`);
    }
    const verdict = row.pass === undefined ? "" : row.pass ? "PASS" : "FAIL";
    if (row.pass === false) allPass = false;
    console.log(`  ${row.label.padEnd(width)}  ${row.value.padStart(16)}  ${(row.budget ?? "").padEnd(16)} ${verdict}`);
  }
  return allPass;
}

export function ms(value: number): string {
  return `${fmt(value, 1)} ms`;
}

export function perSec(value: number, unit: string): string {
  return `${fmt(value, 0)} ${unit}/s`;
}
