// What the scale-mode end-to-end files start from: the Meta simulator, a PostgreSQL database of their own and
// the real HTTP server with DATABASE_URL and REDIS_URL set and no WORKER, so the web process only stores and a
// worker context started by the test delivers. The server uses the default queue name, so each file passes a
// Redis database of its own; close() empties that queue.
import { Queue } from "bullmq";
import type { AppContext } from "../../app/context.server";
import { DEFAULT_QUEUE_PREFIX, DELIVERY_QUEUE_NAME } from "../../app/delivery/bullmq-queue.server";
import { openTestPostgres, type TestDatabase } from "../db/support";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import type { ServerOptions } from "../../server/http-server";

export type ScaleModeServer = {
  sim: MetaSimulator;
  db: TestDatabase;
  server: { port: number; stop(): Promise<void>; appContext(): Promise<unknown> };
  /** The web process's context (its database and outbox; no worker). */
  web: AppContext;
  close(): Promise<void>;
};

export async function startScaleModeServer(options: { redisUrl: string; pixels: Record<string, string>; server?: ServerOptions }): Promise<ScaleModeServer> {
  const sim = await startMetaSimulator({ pixels: options.pixels });
  const db = await openTestPostgres();
  Object.assign(process.env, { DATABASE_URL: db.url, REDIS_URL: options.redisUrl, META_GRAPH_URL: sim.url, LOG_LEVEL: "silent" });
  delete process.env.WORKER;
  const { startServer } = await import("../../server/http-server");
  const server = await startServer(0, options.server ?? {});
  const web = (await server.appContext()) as AppContext;
  return {
    sim,
    db,
    server,
    web,
    async close() {
      await server.stop();
      const queue = new Queue(DELIVERY_QUEUE_NAME, { connection: { url: options.redisUrl }, prefix: DEFAULT_QUEUE_PREFIX });
      await queue.obliterate({ force: true });
      await queue.close();
      await sim.close();
      await db.cleanup();
    },
  };
}
