// `BENCH_CPU_PROF=1 npx node --import tsx scripts/bench/profile-delivery.ts [events per shop]`: the bench's
// delivery phase alone (a backlog written by this process, drained by the app's inline worker against the
// Meta simulator), reporting the app's CPU per delivered event; with BENCH_CPU_PROF=1 also a CPU profile.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, benchShops, measureDelivery } from "./phases";
import { startAppProcess } from "./processes";

const perShop = Number(process.argv[2] ?? "5000");
const shops = benchShops(4);
const sim = await startMetaSimulator();
for (const s of shops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(100);
const dir = mkdtempSync(join(tmpdir(), "tandem-profile-"));
const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
const app = await startAppProcess({ ...benchAppEnv(sim.url), DATABASE_URL: databaseUrl, WORKER: "inline" });
const cpu = async () => (await app.call({ type: "cpu" })) as number;
try {
  await app.call({ type: "configure", shops });
  await measureDelivery(app, sim, databaseUrl, shops, 1_000, 60_000); // warm-up
  const before = await cpu();
  const delivery = await measureDelivery(app, sim, databaseUrl, shops, perShop, 120_000);
  const used = (await cpu()) - before;
  console.log(`delivered ${delivery.events} events at ${delivery.perSec.toFixed(0)}/s; ${((used / delivery.events) * 1000).toFixed(0)} µs CPU per event`);
} finally {
  await app.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
