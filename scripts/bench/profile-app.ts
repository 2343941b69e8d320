import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, type BenchShop } from "./phases";
import { startAppProcess, type AppProcess } from "./processes";

// What every scripts/bench/profile-*.ts sets up before its one phase: the Meta simulator answering after 100 ms
// (as in `npm run bench`), the real app process on a fresh SQLite file with its inline worker, and `shops`
// configured in both. Everything is stopped and removed afterwards, whatever `work` does.
export type ProfiledApp = { app: AppProcess; sim: MetaSimulator; databaseUrl: string };

export async function withProfiledApp<T>(shops: readonly BenchShop[], work: (profiled: ProfiledApp) => Promise<T>): Promise<T> {
  const sim = await startMetaSimulator();
  for (const s of shops) sim.registerPixel(s.pixelId, s.token);
  sim.setLatency(100);
  const dir = mkdtempSync(join(tmpdir(), "tandem-profile-"));
  const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
  const app = await startAppProcess({ ...benchAppEnv(sim.url), DATABASE_URL: databaseUrl, WORKER: "inline" });
  try {
    await app.call({ type: "configure", shops });
    return await work({ app, sim, databaseUrl });
  } finally {
    await app.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU, in ms, the app process (every thread) has used so far. */
export async function appCpuMs(app: AppProcess): Promise<number> {
  return (await app.call({ type: "cpu" })) as number;
}
