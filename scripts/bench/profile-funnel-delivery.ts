// `BENCH_CPU_PROF=1 node --import tsx scripts/bench/profile-funnel-delivery.ts [events]`: the bench's funnel
// delivery phase alone (a backlog of collector events over 16 shops, drained by the app's worker against the
// Meta simulator at 100 ms), reporting the app's CPU per delivered event; with BENCH_CPU_PROF=1 also CPU profiles.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, benchShops } from "./phases";
import { measureFunnelDelivery } from "./collector-phases";
import { startAppProcess } from "./processes";

const events = Number(process.argv[2] ?? "50000");
const shops = benchShops(16);
const sim = await startMetaSimulator();
for (const s of shops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(100);
const dir = mkdtempSync(join(tmpdir(), "tandem-profile-"));
const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
const app = await startAppProcess({ ...benchAppEnv(sim.url), DATABASE_URL: databaseUrl, WORKER: "inline" });
try {
  await app.call({ type: "configure", shops });
  await measureFunnelDelivery(app, sim, databaseUrl, shops, 5_000, 60_000); // warm-up
  const delivery = await measureFunnelDelivery(app, sim, databaseUrl, shops, events, 300_000);
  console.log(`delivered ${delivery.events} funnel events at ${delivery.perSec.toFixed(0)}/s; ${delivery.cpuUsPerEvent.toFixed(0)} µs app CPU per event`);
} finally {
  await app.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
