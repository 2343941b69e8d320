// `npm run bench` (`-- --quick` for a short run; `--no-scale` / `--only-scale` for one mode; `--collector-only` for the
// collector's phases alone): ingest and delivery figures with budgets, from one run.
// The app runs in its own process (real built server + an HMAC-only baseline server in the same process);
// load comes from a worker thread here; Meta is the local simulator with 100 ms injected latency.
// Scale mode (PostgreSQL + BullMQ) runs 1, 2 and 4 `npm run worker` processes. Loopback only.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startMetaSimulator } from "../sim/meta-graph-sim";
import { benchAppEnv, benchShops, endToEndLag, measureAcks, measureDelivery, waitForDrain } from "./bench/phases";
import { forgedFloodScenario } from "./bench/forged-flood";
import { startAppProcess, startWorkerProcess, type AppProcess } from "./bench/processes";
import { ms, perSec, printReport, type Row } from "./bench/report";
import { fmt, mb } from "./bench/stats";
import { measureRedaction } from "./bench/redaction";
import { collectorScenario } from "./bench/collector-phases";

const quick = process.argv.includes("--quick");
const skipScale = process.argv.includes("--no-scale");
const collectorOnly = process.argv.includes("--collector-only");
const skipEmbedded = process.argv.includes("--only-scale");
const SECONDS = quick ? 3 : 10;
const DURATION = SECONDS * 1000;
const WARMUP = Math.min(DURATION, 5_000);
const CONCURRENCY = 32;
const DELIVERY_PER_SHOP = quick ? 1_000 : 5_000;
const FUNNEL_EVENTS = quick ? 20_000 : 50_000;
const META_LATENCY_MS = 100;
const RSS_BUDGET = 300 * 1024 * 1024;
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/9";

const shops = benchShops(4);
// The collector's shops (the first four are the webhook shops): each shop's own rate limit is 1,000 events/s
// (app/collector/collect-handler.server.ts), so 5,000 events/s takes more than four shops, as it would in life.
const collectorShops = benchShops(16);
const sim = await startMetaSimulator();
for (const s of collectorShops) sim.registerPixel(s.pixelId, s.token);
sim.setLatency(META_LATENCY_MS);
const rows: Row[] = [];
const baseEnv = benchAppEnv(sim.url);
console.log(`tandem bench${quick ? " (quick)" : ""}: ${SECONDS} s per load phase, Meta simulator latency ${META_LATENCY_MS} ms, 4 shops`);

function progress(message: string) {
  // Other processes on the machine skew every figure: show the load next to each phase.
  console.log(`  … ${message} (load average ${loadavg()[0]?.toFixed(1)})`);
}

async function embedded(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
  const app = await startAppProcess({ ...baseEnv, DATABASE_URL: databaseUrl, WORKER: "inline" });
  try {
    await app.call({ type: "configure", shops });
    const section = "embedded (SQLite, delivery thread) vs HMAC-only baseline, same process";
    // V8 compiles hot code lazily: without a warm-up the first seconds of the first phase measure the JIT.
    progress("warm-up: both servers, closed loop (not measured)");
    await measureAcks(app.baselinePort, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: WARMUP });
    await measureAcks(app.port, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: WARMUP });
    await waitForDrain(app, 60_000);
    progress("baseline: open loop 200/s and 1000/s, closed loop");
    const baseOpen = await measureAcks(app.baselinePort, shops, { mode: "open", ratePerSec: 200, durationMs: DURATION });
    // The same open loop against a server that only checks the HMAC: what this machine, this load generator
    // and loopback HTTP add to every figure at 1000/s. The route cannot do better than this floor.
    const baseOpen1000 = await measureAcks(app.baselinePort, shops, { mode: "open", ratePerSec: 1000, durationMs: DURATION });
    const baseClosed = await measureAcks(app.baselinePort, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: DURATION });
    progress("real route: open loop 200/s");
    sim.reset();
    for (const s of shops) sim.registerPixel(s.pixelId, s.token);
    // reset() also sets the latency back to 0: without this, every later delivery figure had an instant Meta.
    sim.setLatency(META_LATENCY_MS);
    const loopDelay = async () => (await app.call({ type: "loop-delay" })) as { p99: number; max: number };
    await loopDelay();
    const open200 = await measureAcks(app.port, shops, { mode: "open", ratePerSec: 200, durationMs: DURATION });
    const stall200 = await loopDelay();
    await waitForDrain(app, 30_000);
    const lag = endToEndLag(sim, open200.result.sentAt);
    progress("real route: open loop 1000/s");
    await loopDelay();
    const open1000 = await measureAcks(app.port, shops, { mode: "open", ratePerSec: 1000, durationMs: DURATION });
    const stall1000 = await loopDelay();
    await waitForDrain(app, 60_000);
    progress(`real route: closed loop, ${CONCURRENCY} concurrent`);
    const closed = await measureAcks(app.port, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: DURATION });
    await waitForDrain(app, 120_000);
    progress(`delivery: backlog of ${DELIVERY_PER_SHOP * shops.length} events`);
    const ingestRss = (await app.call({ type: "rss" })) as number;
    const delivery = await measureDelivery(app, sim, databaseUrl, shops, DELIVERY_PER_SHOP, 120_000);
    // Issue 13: one shop's acks while another shop of 1,000,000 rows is redacted (scripts/bench/redaction.ts).
    const redaction = await measureRedaction(app, databaseUrl, shops[0] ?? shops.at(-1)!, { rows: quick ? 200_000 : 1_000_000, durationMs: DURATION, section: "embedded: shop/redact of a big shop under load", progress });
    rows.push(...(await runCollector(app, databaseUrl)));
    const ratio = closed.perSec / baseClosed.perSec;
    const failures = open200.failed + open1000.failed + closed.failed;
    rows.push(
      { section, label: "peak RSS, app process, after ingest phases", value: mb(ingestRss) },
      { section, label: "baseline ack p50 / p99 @ 200/s", value: `${fmt(baseOpen.p50)} / ${fmt(baseOpen.p99)} ms` },
      { section, label: `baseline sustained (closed, ${CONCURRENCY} conc.)`, value: perSec(baseClosed.perSec, "req") },
      { section, label: "route ack p50 @ 200/s", value: ms(open200.p50) },
      { section, label: "route ack p99 @ 200/s", value: ms(open200.p99), budget: "< 20 ms", pass: open200.p99 < 20 },
      { section, label: "route ack p99 / baseline p99 @ 200/s", value: `${fmt(open200.p99 / baseOpen.p99, 2)}×` },
      { section, label: "app event-loop delay p99 / max @ 200/s", value: `${fmt(stall200.p99)} / ${fmt(stall200.max)} ms` },
      { section, label: `route sustained (closed, ${CONCURRENCY} conc.)`, value: perSec(closed.perSec, "webhooks"), budget: "≥ 1,000/s", pass: closed.perSec >= 1000 },
      // Context only: the old "≥ 40 % of the HMAC-only baseline" budget is retired; budgets are absolute figures.
      { section, label: "route sustained / baseline", value: `${fmt(ratio * 100, 0)} %` },
      { section, label: "route ack p50 @ 1000/s (open loop)", value: ms(open1000.p50) },
      { section, label: "baseline ack p50 / p99 @ 1000/s (open loop)", value: `${fmt(baseOpen1000.p50)} / ${fmt(baseOpen1000.p99)} ms` },
      { section, label: "route ack p99 @ 1000/s (open loop)", value: ms(open1000.p99), budget: "< 25 ms", pass: open1000.p99 < 25 },
      { section, label: "app event-loop delay p99 / max @ 1000/s", value: `${fmt(stall1000.p99)} / ${fmt(stall1000.max)} ms` },
      { section, label: "non-200 answers", value: String(failures), budget: "0", pass: failures === 0 },
      { section, label: "end-to-end lag p50 @ 200/s", value: ms(lag.p50) },
      { section, label: `end-to-end lag p99 @ 200/s (${lag.delivered}/${lag.expected})`, value: ms(lag.p99), budget: "< 2,000 ms", pass: lag.p99 < 2000 && lag.delivered === lag.expected },
      { section, label: `delivery, ${delivery.events} events @ ${META_LATENCY_MS} ms Meta`, value: perSec(delivery.perSec, "events"), budget: "≥ 2,000/s", pass: delivery.perSec >= 2000 },
      ...redaction,
    );
  } finally {
    const rss = await app.stop();
    rows.push({ section: "embedded (SQLite, delivery thread) vs HMAC-only baseline, same process", label: "peak RSS, app process", value: mb(rss), budget: "< 300 MB", pass: rss > 0 && rss < RSS_BUDGET });
    rmSync(dir, { recursive: true, force: true });
  }
}

function runCollector(app: AppProcess, databaseUrl: string) {
  return app.call({ type: "configure", shops: collectorShops }).then(() =>
    collectorScenario({
      app, sim, databaseUrl, shops: collectorShops, purchaseShops: shops, durationMs: DURATION, warmupMs: WARMUP,
      funnelEvents: FUNNEL_EVENTS, metaLatencyMs: META_LATENCY_MS, progress,
    }),
  );
}

/** `--collector-only`: a fresh app process, the collector's phases, its peak RSS. */
async function collectorAlone(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const databaseUrl = `file:${join(dir, "tandem.sqlite")}`;
  const app = await startAppProcess({ ...baseEnv, DATABASE_URL: databaseUrl, WORKER: "inline" });
  try {
    rows.push(...(await runCollector(app, databaseUrl)));
  } finally {
    const rss = await app.stop();
    rows.push({ section: "collector (POST /collect) vs JSON-only baseline, same process", label: "peak RSS, app process", value: mb(rss), budget: "< 300 MB", pass: rss > 0 && rss < RSS_BUDGET });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgresDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

async function scale(): Promise<void> {
  await withPostgresDatabase(async (databaseUrl) => {
    const env = { ...baseEnv, DATABASE_URL: databaseUrl, REDIS_URL, WORKER: "off" };
    const app: AppProcess = await startAppProcess(env);
    const section = "scale mode (PostgreSQL + BullMQ), web process + N worker processes";
    try {
      await app.call({ type: "configure", shops });
      progress("scale: warm-up (not measured)");
      await measureAcks(app.port, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: WARMUP });
      progress("scale: closed-loop ingest (no workers running)");
      const closed = await measureAcks(app.port, shops, { mode: "closed", concurrency: CONCURRENCY, durationMs: DURATION });
      rows.push({ section, label: `ingest sustained (closed, ${CONCURRENCY} conc.)`, value: perSec(closed.perSec, "webhooks") });
      for (const count of [1, 2, 4]) {
        progress(`scale: ${count} worker process(es), open loop 200/s`);
        const workers = Array.from({ length: count }, () => startWorkerProcess(env));
        await Promise.all(workers.map((w) => w.ready));
        // Freshly started workers compile their hot code first; like the embedded phases, measure them warm.
        await measureAcks(app.port, shops, { mode: "open", ratePerSec: 200, durationMs: WARMUP });
        await waitForDrain(app, 120_000); // the warm-up and (first round) the closed-loop backlog are delivered before measuring
        sim.reset();
        for (const s of shops) sim.registerPixel(s.pixelId, s.token);
        sim.setLatency(META_LATENCY_MS);
        const open = await measureAcks(app.port, shops, { mode: "open", ratePerSec: 200, durationMs: DURATION });
        await waitForDrain(app, 60_000);
        const lag = endToEndLag(sim, open.result.sentAt);
        const rss = await Promise.all(workers.map((w) => w.stop()));
        const worst = Math.max(...rss);
        rows.push(
          // No budget: issue 2's ack budget is for embedded mode; here two cores also run PostgreSQL, Redis and
          // the workers. Every delivery must still be answered 200.
          { section, label: `${count} worker(s): ack p50 / p99 @ 200/s`, value: `${fmt(open.p50)} / ${fmt(open.p99)} ms` },
          { section, label: `${count} worker(s): non-200 answers @ 200/s`, value: String(open.failed), budget: "0", pass: open.failed === 0 },
          { section, label: `${count} worker(s): end-to-end p50 @ 200/s`, value: ms(lag.p50) },
          { section, label: `${count} worker(s): end-to-end p99 (${lag.delivered}/${lag.expected})`, value: ms(lag.p99), budget: "< 2,000 ms", pass: lag.p99 < 2000 && lag.delivered === lag.expected },
          { section, label: `${count} worker(s): peak RSS per worker (max)`, value: mb(worst), budget: "< 300 MB", pass: worst > 0 && worst < RSS_BUDGET },
        );
      }
    } finally {
      const rss = await app.stop();
      rows.push({ section, label: "peak RSS, web process", value: mb(rss), budget: "< 300 MB", pass: rss > 0 && rss < RSS_BUDGET });
    }
  });
}

const started = performance.now();
try {
  if (collectorOnly) await collectorAlone();
  if (!skipEmbedded && !collectorOnly) await embedded();
  if (!skipEmbedded && !collectorOnly) rows.push(...(await forgedFloodScenario({ shops, env: baseEnv, durationMs: DURATION, warmupMs: WARMUP, progress })));
  if (!skipScale && !collectorOnly) await scale();
} finally {
  await sim.close();
}
const pass = printReport(rows);
console.log(`\n${pass ? "all budgets PASS" : "some budgets FAIL"} · machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} · ${fmt((performance.now() - started) / 1000, 0)} s`);
process.exit(pass ? 0 : 1);
