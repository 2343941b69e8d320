// `BENCH_CPU_PROF=1 npx node --import tsx scripts/bench/profile-delivery.ts [events per shop]`: the bench's
// delivery phase alone (a backlog written by this process, drained by the app's inline worker against the
// Meta simulator), reporting the app's CPU per delivered event; with BENCH_CPU_PROF=1 also a CPU profile.
import { benchShops, measureDelivery } from "./phases";
import { appCpuMs, withProfiledApp } from "./profile-app";

const perShop = Number(process.argv[2] ?? "5000");
const shops = benchShops(4);
await withProfiledApp(shops, async ({ app, sim, databaseUrl }) => {
  await measureDelivery(app, sim, databaseUrl, shops, 1_000, 60_000); // warm-up
  const before = await appCpuMs(app);
  const delivery = await measureDelivery(app, sim, databaseUrl, shops, perShop, 120_000);
  const used = (await appCpuMs(app)) - before;
  console.log(`delivered ${delivery.events} events at ${delivery.perSec.toFixed(0)}/s; ${((used / delivery.events) * 1000).toFixed(0)} µs CPU per event`);
});
