import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { EVENTS_PER_SHOPPER } from "./collect-bodies";
import { fillFunnelOutbox } from "./fill-funnel-outbox";
import type { CollectLoadJob } from "./load-protocol";
import { ackFiguresOf, measureAcks, waitForDrain, type AckFigures, type AckLoad, type BenchShop } from "./phases";
import { runCollectLoad, type AppProcess } from "./processes";
import { fmt, mb } from "./stats";
import { ms, perSec, type Row } from "./report";

// Issue 16's collector figures, from the same run as the rest: POST /collect against a JSON-only baseline in the
// same process (open loop 1,000/s, then closed loop), funnel rows delivered to the simulator, and the Purchase
// route's ack budgets while the collector takes 1,000 events/s. Ratios to the baseline are printed, not judged.

export const COLLECTOR_CONCURRENCY = 64;
const RSS_BUDGET = 300 * 1024 * 1024;

let nextShopper = 1;
/** Shopper numbers never repeat within a run, so every event id is new (a replay would be ignored, not stored). */
function reserveShoppers(events: number): number {
  const first = nextShopper;
  nextShopper += Math.ceil(events / EVENTS_PER_SHOPPER) + 1;
  return first;
}

export async function measureCollectAcks(port: number, path: string, shops: readonly BenchShop[], load: AckLoad, json = false): Promise<AckFigures> {
  // Closed loop: enough prepared bodies for 12,000/s; the run ends at the time limit or when they run out.
  const maxCount = Math.ceil(((load.mode === "open" ? load.ratePerSec : 12_000) * load.durationMs) / 1000);
  const job: CollectLoadJob = {
    baseUrl: `http://127.0.0.1:${port}`,
    path,
    shops: shops.map((s) => s.shop),
    firstShopper: reserveShoppers(maxCount),
    json,
    maxCount,
    ...load,
  };
  return ackFiguresOf(await runCollectLoad(job));
}

export type FunnelDeliveryFigures = { events: number; seconds: number; perSec: number; cpuUsPerEvent: number };

/** CPU the app process (every thread: web, delivery) spent while `work` ran, in µs. */
async function appCpuUs<T>(app: AppProcess, work: () => Promise<T>): Promise<{ value: T; cpuUs: number }> {
  const before = (await app.call({ type: "cpu" })) as number;
  const value = await work();
  const after = (await app.call({ type: "cpu" })) as number;
  return { value, cpuUs: (after - before) * 1000 };
}

/** A backlog of funnel rows, delivered by the app's worker against Meta's latency, timed on Meta's side. */
export async function measureFunnelDelivery(
  app: AppProcess, sim: MetaSimulator, databaseUrl: string, shops: readonly BenchShop[], events: number, timeoutMs: number,
): Promise<FunnelDeliveryFigures> {
  await app.call({ type: "pause-worker" });
  const inserted = await fillFunnelOutbox(databaseUrl, shops, events, reserveShoppers(events));
  const before = funnelAccepted(sim);
  const { value: seconds, cpuUs } = await appCpuUs(app, async () => {
    const started = performance.now();
    await app.call({ type: "resume-worker" });
    const deadline = Date.now() + timeoutMs;
    while (funnelAccepted(sim) - before < inserted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return (performance.now() - started) / 1000;
  });
  const delivered = funnelAccepted(sim) - before;
  if (delivered !== inserted) console.warn(`funnel delivery: ${delivered} of ${inserted} accepted within the time limit`);
  return { events: delivered, seconds, perSec: delivered / seconds, cpuUsPerEvent: cpuUs / Math.max(1, delivered) };
}

/** Funnel events the simulator accepted from the server (every event name but Purchase). */
export function funnelAccepted(sim: MetaSimulator): number {
  let count = 0;
  for (const item of sim.accepted) if (item.event.event_name !== "Purchase") count += 1;
  return count;
}

export type CollectorScenario = {
  app: AppProcess;
  sim: MetaSimulator;
  databaseUrl: string;
  /** Shops configured in the app with one pixel each, registered in the simulator. */
  shops: readonly BenchShop[];
  /** The Purchase route's shops (orders/paid load while the collector is loaded). */
  purchaseShops: readonly BenchShop[];
  durationMs: number;
  warmupMs: number;
  funnelEvents: number;
  metaLatencyMs: number;
  progress(message: string): void;
};

export async function collectorScenario(s: CollectorScenario): Promise<Row[]> {
  const section = "collector (POST /collect) vs JSON-only baseline, same process";
  const { app, shops } = s;
  const collect = (load: AckLoad) => measureCollectAcks(app.port, "/collect", shops, load);
  const baseline = (load: AckLoad) => measureCollectAcks(app.collectBaselinePort, "/", shops, load, true);
  s.progress("collector warm-up: both servers, closed loop (not measured)");
  await baseline({ mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: s.warmupMs });
  await collect({ mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: s.warmupMs });
  await waitForDrain(app, 120_000);

  s.progress("collector: open loop 1000/s (baseline, then /collect)");
  const baseOpen = await baseline({ mode: "open", ratePerSec: 1000, durationMs: s.durationMs });
  const acceptedBefore = funnelAccepted(s.sim);
  const open = await collect({ mode: "open", ratePerSec: 1000, durationMs: s.durationMs });
  await waitForDrain(app, 120_000);
  // A 204 also answers an ignored event: what reached Meta shows every acknowledged event was stored and sent.
  const deliveredOpen = funnelAccepted(s.sim) - acceptedBefore;

  s.progress(`collector: closed loop, ${COLLECTOR_CONCURRENCY} concurrent (baseline, then /collect)`);
  // CPU per event is what a busy machine cannot skew much (events/s are): both figures are the whole app
  // process, so the collector's includes what its delivery thread spent meanwhile on the same events.
  const { value: baseClosed, cpuUs: baseCpuUs } = await appCpuUs(app, () => baseline({ mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: s.durationMs }));
  const { value: closed, cpuUs: collectCpuUs } = await appCpuUs(app, () => collect({ mode: "closed", concurrency: COLLECTOR_CONCURRENCY, durationMs: s.durationMs }));
  const baseCpuPerEvent = baseCpuUs / Math.max(1, baseClosed.ok);
  const collectCpuPerEvent = collectCpuUs / Math.max(1, closed.ok);
  const rss = (await app.call({ type: "rss" })) as number;
  await waitForDrain(app, 300_000);

  s.progress("Purchase route while the collector takes 1000/s: open loop 200/s, then 1000/s");
  const purchase200 = await underCollectorLoad(s, 200);
  await waitForDrain(app, 120_000);
  const purchase1000 = await underCollectorLoad(s, 1000);
  await waitForDrain(app, 120_000);

  const rssBesideRoute = (await app.call({ type: "rss" })) as number;
  // Where the peak sits: the web thread's V8 heap and the memory outside it (buffers, SQLite, the delivery
  // thread's own heap, which only the process's RSS shows).
  const memory = (await app.call({ type: "memory" })) as NodeJS.MemoryUsage;
  s.progress(`funnel delivery: backlog of ${s.funnelEvents} collector rows`);
  const delivery = await measureFunnelDelivery(app, s.sim, s.databaseUrl, shops, s.funnelEvents, 300_000);
  // Beside the route, 503s are the collector giving way to webhooks by design (decision 0033): shown, not judged.
  // In its own phases nothing presses, so every event must be taken.
  const collectFailures = open.failed + closed.failed;
  const shedBesideRoute = purchase200.collector.failed + purchase1000.collector.failed;
  const answers = (await app.call({ type: "collector-answers" })) as Record<string, number>;
  const notStored = Object.entries(answers)
    .filter(([labels]) => !/reason="(stored|replay)"/.test(labels))
    .map(([labels, n]) => `${labels.replace(/"/g, "")}: ${n}`)
    .join("; ");
  const routeFailures = purchase200.route.failed + purchase1000.route.failed;
  return [
    { section, label: "baseline ack p50 / p99 @ 1000/s (open loop)", value: `${fmt(baseOpen.p50)} / ${fmt(baseOpen.p99)} ms` },
    { section, label: "collector ack p50 @ 1000/s (open loop)", value: ms(open.p50) },
    { section, label: "collector ack p99 @ 1000/s (open loop)", value: ms(open.p99), budget: "< 20 ms", pass: open.p99 < 20 },
    { section, label: "collector ack p99 / baseline p99 @ 1000/s", value: `${fmt(open.p99 / baseOpen.p99, 2)}×` },
    { section, label: `events delivered to Meta / acknowledged @ 1000/s`, value: `${deliveredOpen} / ${open.ok}`, budget: "all", pass: open.ok > 0 && deliveredOpen === open.ok },
    { section, label: `baseline sustained (closed, ${COLLECTOR_CONCURRENCY} conc.)`, value: perSec(baseClosed.perSec, "events") },
    { section, label: `collector sustained (closed, ${COLLECTOR_CONCURRENCY} conc.)`, value: perSec(closed.perSec, "events"), budget: "≥ 5,000/s", pass: closed.perSec >= 5000 },
    { section, label: "collector sustained / baseline", value: `${fmt((closed.perSec / baseClosed.perSec) * 100, 0)} %` },
    { section, label: "collector ack p99 (closed loop)", value: ms(closed.p99) },
    { section, label: "app CPU per event, closed loop: baseline / collector (with its delivery thread)", value: `${fmt(baseCpuPerEvent, 0)} / ${fmt(collectCpuPerEvent, 0)} µs` },
    { section, label: "non-204 collector answers, collector alone (open + closed loop)", value: String(collectFailures), budget: "0", pass: collectFailures === 0 },
    { section, label: "collector answers 503 beside the route (giving way to webhooks)", value: String(shedBesideRoute) },
    { section, label: "collector answers other than stored / replay, whole run (outcome, reason)", value: notStored || "none" },
    { section, label: "peak RSS, app process, after collector load", value: mb(rss), budget: "< 300 MB", pass: rss > 0 && rss < RSS_BUDGET },
    { section, label: "route ack p99 @ 200/s, collector @ 1000/s", value: ms(purchase200.route.p99), budget: "< 20 ms", pass: purchase200.route.p99 < 20 },
    { section, label: "route ack p99 @ 1000/s, collector @ 1000/s", value: ms(purchase1000.route.p99), budget: "< 25 ms", pass: purchase1000.route.p99 < 25 },
    { section, label: "collector ack p99 @ 1000/s beside route @ 1000/s", value: ms(purchase1000.collector.p99) },
    { section, label: "non-200 route answers, collector loaded", value: String(routeFailures), budget: "0", pass: routeFailures === 0 },
    // Context for the process's peak (bench.ts judges it at the end): what the two loads together reached.
    { section, label: "peak RSS, app process, after route + collector load", value: mb(rssBesideRoute) },
    { section, label: "then: RSS / web thread heap used / heap total / external", value: `${mb(memory.rss)} / ${mb(memory.heapUsed)} / ${mb(memory.heapTotal)} / ${mb(memory.external)}` },
    { section, label: `funnel delivery, ${delivery.events} events @ ${s.metaLatencyMs} ms Meta`, value: perSec(delivery.perSec, "events"), budget: "≥ 10,000/s", pass: delivery.events === s.funnelEvents && delivery.perSec >= 10_000 },
    { section, label: "app CPU per funnel event delivered", value: `${fmt(delivery.cpuUsPerEvent, 0)} µs` },
  ];
}

async function underCollectorLoad(s: CollectorScenario, routeRate: number): Promise<{ route: AckFigures; collector: AckFigures }> {
  const [route, collector] = await Promise.all([
    measureAcks(s.app.port, s.purchaseShops, { mode: "open", ratePerSec: routeRate, durationMs: s.durationMs }),
    measureCollectAcks(s.app.port, "/collect", s.shops, { mode: "open", ratePerSec: 1000, durationMs: s.durationMs }),
  ]);
  return { route, collector };
}
