// `BENCH_CPU_PROF=1 node --import tsx scripts/bench/profile-funnel-delivery.ts [events]`: the bench's funnel
// delivery phase alone (a backlog of collector events over 16 shops, drained by the app's worker against the
// Meta simulator at 100 ms), reporting the app's CPU per delivered event; with BENCH_CPU_PROF=1 also CPU profiles.
import { benchShops } from "./phases";
import { measureFunnelDelivery } from "./collector-phases";
import { withProfiledApp } from "./profile-app";

const events = Number(process.argv[2] ?? "50000");
const shops = benchShops(16);
await withProfiledApp(shops, async ({ app, sim, databaseUrl }) => {
  await measureFunnelDelivery(app, sim, databaseUrl, shops, 5_000, 60_000); // warm-up
  const delivery = await measureFunnelDelivery(app, sim, databaseUrl, shops, events, 300_000);
  console.log(`delivered ${delivery.events} funnel events at ${delivery.perSec.toFixed(0)}/s; ${delivery.cpuUsPerEvent.toFixed(0)} µs app CPU per event`);
});
