// `BENCH_CPU_PROF=1 node --import tsx scripts/bench/profile-route-collector.ts [route/s] [collector/s] [seconds]`:
// the bench's "Purchase route while the collector is loaded" phase alone (both open loop, after a warm-up of
// each), reporting both ack p99s, the app's CPU per request and its lock waits; with BENCH_CPU_PROF=1 also a CPU
// profile of each of the app's threads (bench-profiles/).
import { benchShops, measureAcks, waitForDrain } from "./phases";
import { COLLECTOR_CONCURRENCY, measureCollectAcks } from "./collector-phases";
import { appCpuMs, withProfiledApp } from "./profile-app";

const [routeRate, collectRate, seconds] = [Number(process.argv[2] ?? "1000"), Number(process.argv[3] ?? "1000"), Number(process.argv[4] ?? "10")];
const routeShops = benchShops(4);
const collectShops = benchShops(20).slice(4);
await withProfiledApp([...routeShops, ...collectShops], async ({ app }) => {
  await measureAcks(app.port, routeShops, { mode: "closed", concurrency: 64, durationMs: 2_000 });
  await measureCollectAcks(app.port, "/collect", collectShops, { mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: 2_000 });
  await waitForDrain(app, 60_000);
  const before = await appCpuMs(app);
  const durationMs = seconds * 1000;
  const [route, collector] = await Promise.all([
    measureAcks(app.port, routeShops, { mode: "open", ratePerSec: routeRate, durationMs }),
    measureCollectAcks(app.port, "/collect", collectShops, { mode: "open", ratePerSec: collectRate, durationMs }),
  ]);
  const used = (await appCpuMs(app)) - before;
  console.log(`route ${routeRate}/s: p50 ${route.p50.toFixed(1)} p99 ${route.p99.toFixed(1)} ms, failed ${route.failed}`);
  console.log(`collector ${collectRate}/s: p50 ${collector.p50.toFixed(1)} p99 ${collector.p99.toFixed(1)} ms, failed ${collector.failed}`);
  console.log(`app CPU ${(used / seconds / 10).toFixed(0)} % of one core; ${((used * 1000) / (route.ok + collector.ok)).toFixed(0)} µs per request`);
  console.log(JSON.stringify(await app.call({ type: "collector-answers" })));
});
