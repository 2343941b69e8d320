// `BENCH_CPU_PROF=1 node --import tsx scripts/bench/profile-collector.ts [seconds]`: the bench's closed-loop
// collector phase alone (16 shops, 64 requests in flight), reporting events/s and the app's CPU per event; with
// BENCH_CPU_PROF=1 also a CPU profile of each of the app's threads (bench-profiles/).
import { benchShops } from "./phases";
import { COLLECTOR_CONCURRENCY, measureCollectAcks } from "./collector-phases";
import { appCpuMs, withProfiledApp } from "./profile-app";

const seconds = Number(process.argv[2] ?? "10");
const shops = benchShops(16);
await withProfiledApp(shops, async ({ app }) => {
  await measureCollectAcks(app.port, "/collect", shops, { mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: 2_000 });
  const before = await appCpuMs(app);
  const figures = await measureCollectAcks(app.port, "/collect", shops, { mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: seconds * 1000 });
  const used = (await appCpuMs(app)) - before;
  console.log(`collector: ${figures.perSec.toFixed(0)} events/s, p99 ${figures.p99.toFixed(1)} ms, ${((used * 1000) / Math.max(1, figures.ok)).toFixed(0)} µs app CPU per event, failed ${figures.failed}`);
  console.log(JSON.stringify(await app.call({ type: "collector-answers" })));
});
