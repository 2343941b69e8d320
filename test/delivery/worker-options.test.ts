import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DELIVERY_WORKER_DEFAULTS } from "../../app/delivery/worker-options";

// The worker's defaults are documented on its options type (`@default`) and used from DELIVERY_WORKER_DEFAULTS:
// this keeps the two saying the same thing.

const SOURCE = readFileSync(new URL("../../app/delivery/worker-options.ts", import.meta.url), "utf8");

/** `@default` text of each field of DeliveryWorkerTuning, as written. */
function documentedDefaults(): Record<string, string> {
  const file = ts.createSourceFile("worker-options.ts", SOURCE, ts.ScriptTarget.Latest, true);
  const found: Record<string, string> = {};
  file.forEachChild((node) => {
    if (!ts.isTypeAliasDeclaration(node) || node.name.text !== "DeliveryWorkerTuning" || !ts.isTypeLiteralNode(node.type)) return;
    for (const member of node.type.members) {
      if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
      const tag = ts.getJSDocTags(member).find((candidate) => candidate.tagName.text === "default");
      const text = typeof tag?.comment === "string" ? tag.comment.trim() : "";
      found[member.name.text] = text;
    }
  });
  return found;
}

/** `60_000` → 60000; `{ baseMs: 30_000, capMs: 3_600_000 }` → { baseMs: 30000, capMs: 3600000 }; else null. */
function parseValue(text: string): unknown {
  const json = text.replace(/(\d)_(?=\d)/g, "$1").replace(/([A-Za-z]\w*)\s*:/g, '"$1":');
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

describe("DeliveryWorkerTuning", () => {
  it("documents a default on every field", () => {
    const documented = documentedDefaults();
    expect(Object.keys(documented).length).toBeGreaterThan(8);
    const undocumented = Object.entries(documented).filter(([, text]) => text === "").map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  it("documents the values the worker uses", () => {
    const documented = documentedDefaults();
    for (const [name, value] of Object.entries(DELIVERY_WORKER_DEFAULTS)) {
      expect(parseValue(documented[name] ?? ""), `@default of ${name}`).toEqual(value);
    }
    // The two without a value of their own say what they follow.
    expect(documented.claimLimit).toBe("batchSize");
    expect(documented.perShopLimit).toBe("no cap");
  });
});
