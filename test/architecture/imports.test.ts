import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { findCycles, forbiddenImports, readImportGraph, type ImportGraph } from "./import-graph";

// The composition root builds the services; everything else takes the services it needs as a parameter
// (app/services.ts, docs/decisions/0026). Two rules keep it that way: no import cycles, and only the
// processes' entry points, the routes and the Shopify app's configuration reach for the composition root.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const COMPOSITION_ROOT = "app/context.server.ts";
// The Shopify library is configured once per process, at import, with the process's session storage and an
// afterAuth hook: like app/entry.server.tsx it is part of starting the process, not a module with a job.
const SHOPIFY_APP = "app/shopify/app.server.ts";

function isCompositionRoot(module: string): boolean {
  return module === COMPOSITION_ROOT;
}

function mayUseCompositionRoot(importer: string): boolean {
  return (
    importer.startsWith("bin/") ||
    importer.startsWith("server/") ||
    importer.startsWith("app/routes/") ||
    importer === "app/entry.server.tsx" ||
    importer === SHOPIFY_APP
  );
}

function describeCycles(cycles: string[][]): string {
  return cycles.map((cycle) => `  ${cycle.join(" → ")}`).join("\n");
}

describe("the import graph of app/, server/ and bin/", () => {
  const DIRS = ["app", "server", "bin"];
  const loadOrder = readImportGraph(ROOT, DIRS, { dynamic: false });
  const everything = readImportGraph(ROOT, DIRS, { dynamic: true });

  it("reads the modules and their imports, type-only imports included", () => {
    expect(loadOrder.get(COMPOSITION_ROOT)).toContain("app/delivery/build-worker.server.ts");
    // app/services.ts is imported only with `import type`; seeing its importers proves type-only edges count.
    const importersOfServices = [...loadOrder].filter(([, targets]) => targets.includes("app/services.ts"));
    expect(importersOfServices.length).toBeGreaterThan(10);
    // The root reaches the Shopify app only by a dynamic import (alert emails, when they run).
    expect(loadOrder.get(COMPOSITION_ROOT)).not.toContain(SHOPIFY_APP);
    expect(everything.get(COMPOSITION_ROOT)).toContain(SHOPIFY_APP);
  });

  it("has no import cycles (static and type-only imports)", () => {
    const cycles = findCycles(loadOrder);
    expect(cycles, `import cycles:\n${describeCycles(cycles)}`).toEqual([]);
  });

  it("lets only entry points (bin/, server/, app/entry.server.tsx), routes and the Shopify app import the composition root", () => {
    const found = forbiddenImports(everything, isCompositionRoot, mayUseCompositionRoot);
    expect(found, `modules that must take their services as a parameter instead:\n  ${found.join("\n  ")}`).toEqual([]);
  });
});

describe("findCycles", () => {
  it("reports a cycle as the path that closes it", () => {
    const graph: ImportGraph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
    ]);
    expect(findCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });

  it("reports a module that imports itself, two separate cycles, and nothing for an acyclic graph", () => {
    expect(findCycles(new Map([["a.ts", ["a.ts"]]]))).toEqual([["a.ts", "a.ts"]]);
    const two: ImportGraph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts"]],
      ["x.ts", ["y.ts"]],
      ["y.ts", ["x.ts"]],
    ]);
    expect(findCycles(two)).toHaveLength(2);
    expect(findCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]]))).toEqual([]);
  });
});

describe("forbiddenImports", () => {
  it("names each importer that is not allowed to reach the composition root", () => {
    const graph: ImportGraph = new Map([
      [COMPOSITION_ROOT, []],
      ["app/routes/x.tsx", [COMPOSITION_ROOT]],
      ["bin/worker.ts", [COMPOSITION_ROOT]],
      ["app/admin/y.server.ts", [COMPOSITION_ROOT]],
    ]);
    expect(forbiddenImports(graph, isCompositionRoot, mayUseCompositionRoot)).toEqual([`app/admin/y.server.ts → ${COMPOSITION_ROOT}`]);
  });
});
