import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildWebhookHeaders } from "../../sim/webhook-sender";
import { measureAcks, SECRET, waitForDrain, type BenchShop } from "./phases";
import { peakRss, startAppProcess } from "./processes";
import { ms, type Row } from "./report";
import { fmt, mb } from "./stats";

// Issue 13's hostile-intake figure: the webhook ack p99 at 200/s while 100 forged 5 MB bodies are in flight,
// against the same route's p99 at 200/s with no flood, measured in this run on a fresh app process.
// The flood comes from 100 connections in this (the bench's) process; each sends an orders/paid delivery
// with well-formed headers, a signature made with another key and a 5 MB body at full loopback speed, reads
// the answer, and starts again. The signed webhooks come from the load-generator thread, as in every phase.

const FLOOD_CONNECTIONS = 100;
const FORGED_BYTES = 5 * 1024 * 1024;
const RSS_BUDGET = 300 * 1024 * 1024;
const ACK_BUDGET_MS = 50;

export type FloodOptions = { shops: readonly BenchShop[]; env: Record<string, string>; durationMs: number; warmupMs: number; progress(message: string): void };

type FloodTally = { attempts: number; byStatus: Map<string, number> };

/** 100 lanes, each sending forged 5 MB deliveries back to back until stop() — then it waits for them to end. */
function startFlood(port: number, shop: string): { stop(): Promise<FloodTally> } {
  const body = Buffer.alloc(FORGED_BYTES, 0x7b);
  const headers = buildWebhookHeaders({ topic: "orders/paid", shop, secret: SECRET, forgeHmac: true }, "{}");
  const lines = Object.entries({ ...headers, "Content-Length": String(FORGED_BYTES) }).map(([name, value]) => `${name}: ${value}`);
  const head = `POST /webhooks/orders/paid HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${lines.join("\r\n")}\r\n\r\n`;
  const tally: FloodTally = { attempts: 0, byStatus: new Map() };
  let running = true;

  function once(): Promise<void> {
    return new Promise((resolve) => {
      tally.attempts++;
      const socket = connect(port, "127.0.0.1");
      let status: string | null = null;
      socket.on("data", (chunk: Buffer) => {
        status ??= /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? "unparsed";
        // An answer is the end of this attempt, whether or not the body went out whole.
        socket.destroy();
      });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        const key = status ?? "connection closed, no answer";
        tally.byStatus.set(key, (tally.byStatus.get(key) ?? 0) + 1);
        resolve();
      });
      socket.write(head);
      socket.write(body);
    });
  }

  async function lane(): Promise<void> {
    while (running) await once();
  }
  const lanes = Array.from({ length: FLOOD_CONNECTIONS }, lane);
  return {
    async stop() {
      running = false;
      await Promise.all(lanes);
      return tally;
    },
  };
}

export async function forgedFloodScenario(options: FloodOptions): Promise<Row[]> {
  const section = `hostile intake: ${FLOOD_CONNECTIONS} forged 5 MB bodies in flight (embedded, fresh app process)`;
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-flood-"));
  const app = await startAppProcess({ ...options.env, DATABASE_URL: `file:${join(dir, "tandem.sqlite")}`, WORKER: "inline" });
  const rss = async () => ((await app.call({ type: "memory" })) as NodeJS.MemoryUsage).rss;
  const loopDelay = async () => (await app.call({ type: "loop-delay" })) as { p99: number; max: number };
  try {
    await app.call({ type: "configure", shops: options.shops });
    options.progress("hostile intake: warm-up (not measured)");
    await measureAcks(app.port, options.shops, { mode: "closed", concurrency: 32, durationMs: options.warmupMs });
    await waitForDrain(app, 60_000);

    options.progress("hostile intake: quiet, open loop 200/s");
    await loopDelay();
    const quiet = await measureAcks(app.port, options.shops, { mode: "open", ratePerSec: 200, durationMs: options.durationMs });
    const quietStall = await loopDelay();
    await waitForDrain(app, 30_000);
    const rssBefore = await rss();

    options.progress(`hostile intake: ${FLOOD_CONNECTIONS} forged 5 MB senders + open loop 200/s`);
    const flood = startFlood(app.port, options.shops[0]?.shop ?? "bench-1.myshopify.com");
    // Let the flood reach its steady state before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await loopDelay();
    const cpuBefore = (await app.call({ type: "cpu" })) as number;
    const benchCpuBefore = process.cpuUsage();
    const underFlood = await measureAcks(app.port, options.shops, { mode: "open", ratePerSec: 200, durationMs: options.durationMs });
    const floodStall = await loopDelay();
    const appCpuShare = ((await app.call({ type: "cpu" })) as number) - cpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const benchCpuShare = (benchCpu.user + benchCpu.system) / 1000;
    const rssDuringFlood = await rss();
    const tally = await flood.stop();
    const peakDuringRun = peakRss(app.pid);
    await waitForDrain(app, 30_000);
    // Memory given back: the app's RSS a few seconds after the flood ends (no forced GC: as in production).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const rssAfter = await rss();

    const statuses = [...tally.byStatus.entries()].sort((a, b) => b[1] - a[1]).map(([status, count]) => `${status}: ${count}`).join(", ");
    const failed = underFlood.failed;
    console.log(`  … forged deliveries sent: ${tally.attempts} (${statuses}) (load average ${loadavg()[0]?.toFixed(1)})`);
    return [
      { section, label: "quiet: ack p50 / p99 @ 200/s", value: `${fmt(quiet.p50)} / ${fmt(quiet.p99)} ms` },
      { section, label: "quiet: app event-loop delay p99 / max", value: `${fmt(quietStall.p99)} / ${fmt(quietStall.max)} ms` },
      { section, label: "flood: ack p50 @ 200/s", value: ms(underFlood.p50) },
      { section, label: "flood: ack p99 @ 200/s", value: ms(underFlood.p99), budget: `< ${ACK_BUDGET_MS} ms`, pass: underFlood.p99 < ACK_BUDGET_MS },
      { section, label: "flood p99 / quiet p99", value: `${fmt(underFlood.p99 / quiet.p99, 2)}×` },
      { section, label: "flood: app event-loop delay p99 / max", value: `${fmt(floodStall.p99)} / ${fmt(floodStall.max)} ms` },
      { section, label: "flood: CPU of the app / the bench (flood + load)", value: `${fmt(appCpuShare / options.durationMs * 100, 0)} % / ${fmt(benchCpuShare / options.durationMs * 100, 0)} %` },
      { section, label: "flood: non-200 answers to signed webhooks", value: String(failed), budget: "0", pass: failed === 0 && underFlood.ok > 0 },
      { section, label: "flood: forged deliveries sent / answered 503", value: `${tally.attempts} / ${tally.byStatus.get("503") ?? 0}` },
      { section, label: "app RSS before / during flood", value: `${mb(rssBefore)} / ${mb(rssDuringFlood)}` },
      { section, label: "app peak RSS (whole scenario)", value: mb(peakDuringRun) },
      { section, label: "app RSS 5 s after the flood", value: mb(rssAfter), budget: "< 300 MB", pass: rssAfter < RSS_BUDGET },
    ];
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx scripts/bench/forged-flood.ts [--quick]` (after `npm run build`): this scenario alone.
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { startMetaSimulator } = await import("../../sim/meta-graph-sim");
  const { benchAppEnv, benchShops } = await import("./phases");
  const { printReport } = await import("./report");
  const quick = process.argv.includes("--quick");
  const shops = benchShops(4);
  const sim = await startMetaSimulator();
  for (const s of shops) sim.registerPixel(s.pixelId, s.token);
  sim.setLatency(100);
  const progress = (message: string) => console.log(`  … ${message} (load average ${loadavg()[0]?.toFixed(1)})`);
  try {
    const rows = await forgedFloodScenario({ shops, env: benchAppEnv(sim.url), durationMs: quick ? 3_000 : 10_000, warmupMs: quick ? 3_000 : 5_000, progress });
    process.exitCode = printReport(rows) ? 0 : 1;
  } finally {
    await sim.close();
  }
}
