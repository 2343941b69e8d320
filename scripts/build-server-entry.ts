// Compiles the production entries — the web process (bin/web.ts → build/node/server.js), its delivery
// thread (bin/delivery-thread.ts → build/node/delivery-thread.js) and the worker
// process (bin/worker.ts → build/node/worker.js) — to plain JavaScript, so `npm start` and `npm run worker`
// run on Node alone. Running TypeScript through tsx at runtime costs
// every web process a module-loader thread and the compiler's memory (docs/decisions/0008, Measurements)
// against a 300 MB per-process budget. Packages stay external: the same node_modules as the Remix build.
import { build } from "esbuild";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_ENTRY_OUTFILE = resolve(ROOT, "build/node/server.js");
export const WORKER_ENTRY_OUTFILE = resolve(ROOT, "build/node/worker.js");
export const DELIVERY_THREAD_OUTFILE = resolve(ROOT, "build/node/delivery-thread.js");

/** Bundles one TypeScript entry of this repo into an ES module for Node 22, packages left to node_modules. */
export async function buildNodeEntry(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  await buildNodeEntry(resolve(ROOT, "bin/web.ts"), SERVER_ENTRY_OUTFILE);
  await buildNodeEntry(resolve(ROOT, "bin/worker.ts"), WORKER_ENTRY_OUTFILE);
  await buildNodeEntry(resolve(ROOT, "bin/delivery-thread.ts"), DELIVERY_THREAD_OUTFILE);
}
