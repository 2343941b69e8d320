// `BENCH_CPU_PROF=1 npx node --import tsx scripts/bench/profile-ingest.ts [seconds]`: only the bench's
// closed-loop ingest phase against the real app process, for a CPU profile of the webhook path
// (written to bench-profiles/). Same app process, load generator and simulator as `npm run bench`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, benchShops, measureAcks, waitForDrain } from "./phases";
import { startAppProcess } from "./processes";

const seconds = Number(process.argv[2] ?? "10");
const shops = benchShops(4);
const sim = await startMetaSimulator();
for (const s of shops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(100);
const dir = mkdtempSync(join(tmpdir(), "tandem-profile-"));
const app = await startAppProcess({
  ...benchAppEnv(sim.url),
  DATABASE_URL: `file:${join(dir, "tandem.sqlite")}`,
  WORKER: "inline",
});
const cpu = async () => (await app.call({ type: "cpu" })) as number;
try {
  await app.call({ type: "configure", shops });
  // PROFILE_OPEN_RATE=200: only an open loop at that rate (inline worker running), for what stalls at that rate.
  if (process.env.PROFILE_OPEN_RATE) {
    await measureAcks(app.port, shops, { mode: "closed", concurrency: 32, durationMs: 3_000 });
    await waitForDrain(app, 60_000);
    const open = await measureAcks(app.port, shops, { mode: "open", ratePerSec: Number(process.env.PROFILE_OPEN_RATE), durationMs: seconds * 1000 });
    console.log(`open loop ${process.env.PROFILE_OPEN_RATE}/s: p50 ${open.p50.toFixed(1)} p99 ${open.p99.toFixed(1)} ms`);
  } else await closedLoops();
  const memory = (await app.call({ type: "memory" })) as NodeJS.MemoryUsage;
  const peak = (await app.call({ type: "rss" })) as number;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`app memory: peak RSS ${mb(peak)}; now RSS ${mb(memory.rss)}, V8 heap ${mb(memory.heapTotal)} (used ${mb(memory.heapUsed)}), external ${mb(memory.external)}`);
} finally {
  await app.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

async function closedLoops(): Promise<void> {
  // PROFILE_INGEST_ONLY=1: the worker never runs, so a CPU profile shows the webhook path alone.
  if (process.env.PROFILE_INGEST_ONLY) await app.call({ type: "pause-worker" });
  await measureAcks(app.port, shops, { mode: "closed", concurrency: 32, durationMs: 3_000 });
  await waitForDrain(app, 60_000);

  // CPU per webhook: steadier than webhooks/s on a machine doing other work. Ingest alone (worker paused),
  // then ingest with the worker delivering alongside, as in the bench.
  await app.call({ type: "pause-worker" });
  const before = await cpu();
  const alone = await measureAcks(app.port, shops, { mode: "closed", concurrency: 32, durationMs: seconds * 1000 });
  const ingestMs = (await cpu()) - before;
  console.log(`ingest only: ${alone.perSec.toFixed(0)} webhooks/s, p99 ${alone.p99.toFixed(1)} ms; ${((ingestMs / alone.ok) * 1000).toFixed(0)} µs CPU per webhook`);
  if (!process.env.PROFILE_INGEST_ONLY) await withDelivery(alone.ok);
}

async function withDelivery(backlog: number): Promise<void> {
  let before = await cpu();
  await app.call({ type: "resume-worker" });
  await waitForDrain(app, 60_000);
  const drainMs = (await cpu()) - before;
  console.log(`delivering that backlog: ${((drainMs / backlog) * 1000).toFixed(0)} µs CPU per event`);
  before = await cpu();
  const closed = await measureAcks(app.port, shops, { mode: "closed", concurrency: 32, durationMs: seconds * 1000 });
  await waitForDrain(app, 60_000);
  const bothMs = (await cpu()) - before;
  console.log(`ingest + delivery: ${closed.perSec.toFixed(0)} webhooks/s, p99 ${closed.p99.toFixed(1)} ms; ${((bothMs / closed.ok) * 1000).toFixed(0)} µs CPU per webhook`);
}
