import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppContext } from "../../app/context.server";
import type { ServerOptions } from "../../server/http-server";

// The REAL production build served over HTTP on a fresh SQLite file, for tests that go through Remix, the
// Shopify library and the browser the way a merchant does. `npm test` builds it first; the build reads the
// environment when it is imported, so the database and the other settings go into process.env first.

const BUILD = new URL("../../build/server/index.js", import.meta.url).pathname;

export type BuiltServer = {
  port: number;
  /** The SQLite file the server opened. */
  databasePath: string;
  /** The app the server built (its database, stores and settings), for seeding and checking. */
  appContext(): Promise<AppContext>;
  /** Stops the server and deletes its database. */
  stop(): Promise<void>;
};

/**
 * Starts the built server with the worker off; `env` adds to or overrides process.env before the build loads,
 * `options` are the HTTP server's (limits, timeouts).
 */
export async function startBuiltServer(name: string, env: Record<string, string> = {}, options: ServerOptions = {}): Promise<BuiltServer> {
  if (!existsSync(BUILD)) throw new Error("build/server/index.js is missing: run `npm run build` (npm test does) first");
  const dir = mkdtempSync(join(tmpdir(), `tandem-${name}-`));
  const databasePath = join(dir, "tandem.sqlite");
  Object.assign(process.env, { DATABASE_URL: `file:${databasePath}`, WORKER: "off", ...env });
  const { startServer } = await import("../../server/http-server");
  const server = await startServer(0, { ...options, buildPath: BUILD });
  return {
    port: server.port,
    databasePath,
    appContext: () => server.appContext(),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
