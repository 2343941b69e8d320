// `npx tsx scripts/bench/probe-rate.ts [rate] [seconds]` (defaults 1000/s, 10 s): the HMAC-only baseline and the
// real route, alternately, twice each, at one open-loop rate against the same app process. For each phase it
// prints the ack p50/p99, how many acks took over 25 ms, the app's event-loop delay, and then the SQLite file
// sizes and the app's memory. It is quicker than `npm run bench` for asking "did this change the 1000/s tail?".
// Running the pair twice shows how much of a difference is the machine. PROBE_PAUSE_WORKER=1 pauses the inline
// worker during route phases, which separates ingest from delivery.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaSimulator } from "../../sim/meta-graph-sim";
import { benchAppEnv, benchShops, measureAcks, waitForDrain } from "./phases";
import { startAppProcess } from "./processes";
import { fmt, mb } from "./stats";

const rate = Number(process.argv[2] ?? "1000");
const seconds = Number(process.argv[3] ?? "10");
const pauseWorker = Boolean(process.env.PROBE_PAUSE_WORKER);
const shops = benchShops(4);
const sim = await startMetaSimulator();
for (const s of shops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(100);
const dir = mkdtempSync(join(tmpdir(), "tandem-probe-"));
const file = join(dir, "tandem.sqlite");
const app = await startAppProcess({ ...benchAppEnv(sim.url), DATABASE_URL: `file:${file}`, WORKER: "inline" });
const loopDelay = async () => (await app.call({ type: "loop-delay" })) as { p99: number; max: number };
const size = (path: string) => (existsSync(path) ? mb(statSync(path).size) : "-");
try {
  await app.call({ type: "configure", shops });
  // Warm both servers (V8 compiles hot code lazily), then start from an empty outbox.
  await measureAcks(app.baselinePort, shops, { mode: "closed", concurrency: 32, durationMs: 3_000 });
  await measureAcks(app.port, shops, { mode: "closed", concurrency: 32, durationMs: 5_000 });
  await waitForDrain(app, 60_000);
  const phases = [["baseline", app.baselinePort], ["route", app.port], ["baseline", app.baselinePort], ["route", app.port]] as const;
  for (const [name, port] of phases) {
    const pause = pauseWorker && name === "route";
    if (pause) await app.call({ type: "pause-worker" });
    await loopDelay();
    const acks = await measureAcks(port, shops, { mode: "open", ratePerSec: rate, durationMs: seconds * 1000 });
    const loop = await loopDelay();
    if (pause) await app.call({ type: "resume-worker" });
    const slow = acks.result.latenciesMs.filter((ms) => ms > 25).length;
    console.log(
      `${name.padEnd(8)} ${rate}/s: ack p50 ${fmt(acks.p50)} p99 ${fmt(acks.p99)} ms, ${slow} over 25 ms, ${acks.failed} failed; ` +
        `app event-loop delay p99 ${fmt(loop.p99)} max ${fmt(loop.max)} ms`,
    );
    await waitForDrain(app, 60_000);
    const memory = (await app.call({ type: "memory" })) as NodeJS.MemoryUsage;
    const peak = (await app.call({ type: "rss" })) as number;
    console.log(`         database ${size(file)}, WAL ${size(`${file}-wal`)}; app RSS ${mb(memory.rss)} (peak ${mb(peak)}), V8 heap ${mb(memory.heapTotal)}`);
  }
} finally {
  await app.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
