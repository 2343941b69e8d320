import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

// The project's import graph, read from the source with the TypeScript compiler's pre-processor. Static and
// type-only (`import type`, `export type … from`) specifiers always count: each ties one module's meaning to
// another's. Dynamic `import()` counts only when asked for: it loads the other module when called, after both
// have finished loading, which is how a module reaches one that depends on it without a load-order cycle.
// Only relative specifiers are followed (packages are leaves).

/** Module path (relative to the root, forward slashes) → the modules it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const SOURCE = /\.(ts|tsx)$/;
const EXTENSIONS = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ""));
  for (const extension of EXTENSIONS) {
    const candidate = base + extension;
    if (existsSync(candidate) && statSync(candidate).isFile() && SOURCE.test(candidate)) return candidate;
  }
  return null;
}

/** Whether the specifier at `pos` is the argument of an `import(…)` call. */
function isDynamic(source: string, pos: number): boolean {
  return /\bimport\s*\(\s*["'`]?$/.test(source.slice(Math.max(0, pos - 40), pos));
}

/**
 * Reads every .ts/.tsx file under `dirs` (relative to `root`) and the relative imports between them;
 * `dynamic: true` adds the `import()` calls.
 */
export function readImportGraph(root: string, dirs: readonly string[], options: { dynamic: boolean }): ImportGraph {
  const graph = new Map<string, string[]>();
  const name = (path: string) => relative(root, path).split("\\").join("/");
  for (const file of dirs.flatMap((dir) => sourceFiles(join(root, dir)))) {
    const source = readFileSync(file, "utf8");
    const info = ts.preProcessFile(source, true, true);
    const targets = info.importedFiles
      .filter((imported) => options.dynamic || !isDynamic(source, imported.pos))
      .map((imported) => resolveSpecifier(file, imported.fileName))
      .filter((target): target is string => target !== null)
      .map(name);
    graph.set(name(file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every import cycle, one per strongly connected component of more than one module (or a module importing
 * itself), each listed as the path that closes it: a → b → … → a.
 */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const edges = (node: string) => graph.get(node) ?? [];

  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = edges(frame.node);
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || edges(frame.node).includes(frame.node)) components.push(component);
      }
    }
  }
  return components.map((component) => cyclePath(graph, component));
}

/** A readable witness for one component: the shortest path from its first module back to itself. */
function cyclePath(graph: ImportGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at) as string) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...component, start];
}

/** Edges `importer → target` where `target` matches `forbidden` and `importer` is not allowed to use it. */
export function forbiddenImports(graph: ImportGraph, forbidden: (module: string) => boolean, allowed: (importer: string) => boolean): string[] {
  const found: string[] = [];
  for (const [importer, targets] of graph) {
    if (allowed(importer) || forbidden(importer)) continue;
    for (const target of targets) if (forbidden(target)) found.push(`${importer} → ${target}`);
  }
  return found.sort();
}
