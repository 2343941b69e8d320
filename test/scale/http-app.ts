import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppContext } from "../../app/context.server";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { createWebhookClient, type WebhookClient } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";

// The production HTTP server (server/http-server.ts around the Remix build) on loopback, embedded mode on a fresh SQLite
// file, its inline worker sending to the Meta simulator. The build reads process.env once, so one file per
// process (Vitest runs each test file in its own fork).

export const GRAPH_VERSION = "v26.0";

export type HttpApp = {
  sim: MetaSimulator;
  baseUrl: string;
  context: AppContext;
  client: WebhookClient;
  close(): Promise<void>;
};

export async function startHttpApp(pixels: Record<string, string>): Promise<HttpApp> {
  const sim = await startMetaSimulator({ pixels });
  const dir = mkdtempSync(join(tmpdir(), "tandem-http-"));
  Object.assign(process.env, {
    DATABASE_URL: `file:${join(dir, "tandem.sqlite")}`,
    META_GRAPH_URL: sim.url,
    META_GRAPH_VERSION: GRAPH_VERSION,
    WORKER: "inline",
    LOG_LEVEL: "silent",
  });
  delete process.env.REDIS_URL;
  const { startServer } = await import("../../server/http-server");
  const server = await startServer(0);
  const context = (await server.appContext()) as AppContext;
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const client = createWebhookClient({ baseUrl, secret: TEST_SECRET, maxSockets: 32 });
  return {
    sim,
    baseUrl,
    context,
    client,
    async close() {
      client.close();
      await server.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `tasks` with at most `limit` in flight; resolves with their results in order. */
export async function inParallel<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}
