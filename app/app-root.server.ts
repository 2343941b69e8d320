import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The app's root (where package.json is), found by walking up from `from`. Code runs from several places —
 * TypeScript sources in development and tests, build/server and build/node in production — and each finds the
 * built assets and entries from the root. Falls back to `from` when no package.json is above it.
 */
export function appRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
