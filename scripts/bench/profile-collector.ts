// `BENCH_CPU_PROF=1 node --import tsx scripts/bench/profile-collector.ts [seconds]`: the bench's closed-loop
// collector phase alone (16 shops, 64 requests in flight), reporting events/s and the app's CPU per event; with
// BENCH_CPU_PROF=1 also a CPU profile of each of the app's threads (bench-profiles/).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, benchShops } from "./phases";
import { COLLECTOR_CONCURRENCY, measureCollectAcks } from "./collector-phases";
import { startAppProcess } from "./processes";

const seconds = Number(process.argv[2] ?? "10");
const shops = benchShops(16);
const sim = await startMetaSimulator();
for (const s of shops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(100);
const dir = mkdtempSync(join(tmpdir(), "tandem-profile-"));
const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
const app = await startAppProcess({ ...benchAppEnv(sim.url), DATABASE_URL: databaseUrl, WORKER: "inline" });
try {
  await app.call({ type: "configure", shops });
  await measureCollectAcks(app.port, "/collect", shops, { mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: 2_000 });
  const before = (await app.call({ type: "cpu" })) as number;
  const figures = await measureCollectAcks(app.port, "/collect", shops, { mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: seconds * 1000 });
  const used = ((await app.call({ type: "cpu" })) as number) - before;
  const answers = await app.call({ type: "collector-answers" });
  console.log(`collector: ${figures.perSec.toFixed(0)} events/s, p99 ${figures.p99.toFixed(1)} ms, ${((used * 1000) / Math.max(1, figures.ok)).toFixed(0)} µs app CPU per event, failed ${figures.failed}`);
  console.log(JSON.stringify(answers));
} finally {
  await app.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
