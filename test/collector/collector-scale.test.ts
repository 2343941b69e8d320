import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../app/services";
import { createAppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { buildTrUrl } from "../../app/tracking/pixel/tr-url";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { startScaleModeServer, type ScaleModeServer } from "../scale/scale-mode-server";
import { countCollectorDeliveries, countFunnelRows, funnelSentCounts } from "../support/funnel-rows";
import { sleep, waitFor } from "../support/wait";

// Scale mode (PostgreSQL + BullMQ): the web process only stores what the collector takes; a separate worker
// process delivers it. The server uses the default queue name, so this file takes a Redis database of its own.
// The events wait in funnel_events and, once sent, are counted in funnel_event_counts (docs/decisions/0034).

const REDIS_URL = "redis://127.0.0.1:6379/9";
const SHOP = "collector-scale.myshopify.com";
const PIXEL = "5555555555";
const TOKEN = "EAACollectorScale";
const EVENTS = 200;
const UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

let scale: ScaleModeServer;
let sim: MetaSimulator;
let server: ScaleModeServer["server"];
let web: Services;
let worker: Services | undefined;

beforeAll(async () => {
  const open = { perSecond: 1_000, burst: 10_000 };
  scale = await startScaleModeServer({ redisUrl: REDIS_URL, pixels: { [PIXEL]: TOKEN }, server: { collectorLimits: { client: open, shop: open } } });
  ({ sim, server, web } = scale);
  await web.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
});
afterAll(async () => {
  await worker?.close();
  await scale?.close();
  delete process.env.REDIS_URL;
});

function body(eventId: string): string {
  const tr = new URL(buildTrUrl("https://www.facebook.com/tr", { pixelId: "1", eventName: "ViewContent", eventId, pageUrl: "https://collector-scale.example/p", timestampMs: Date.now(), fbp: "fb.1.1700000000000.424242", limitedDataUse: false }));
  tr.searchParams.delete("id");
  return `${new URLSearchParams({ shop: SHOP, ck: "" })}&${tr.searchParams}`;
}

describe("collector in scale mode", () => {
  it("the web process stores each event once; a separate worker delivers each once", async () => {
    // GIVEN every event posted, a tenth of them twice
    const ids = Array.from({ length: EVENTS }, (_, i) => `evt_scale_${i}`);
    const posts = [...ids, ...ids.filter((_, i) => i % 10 === 0)];
    const statuses = await Promise.all(
      posts.map(async (id) => (await fetch(`http://127.0.0.1:${server.port}/collect`, { method: "POST", headers: { "Content-Type": "text/plain", "User-Agent": UA }, body: body(id) })).status),
    );
    expect(statuses.filter((status) => status !== 204)).toEqual([]);

    // THEN the web process, with REDIS_URL and no WORKER=inline, sends nothing itself
    await sleep(300);
    expect(sim.accepted).toHaveLength(0);
    // and it stored each event once: every row is still waiting, the replays stored nothing
    expect(await countFunnelRows(web.database.db, { shop: SHOP })).toBe(EVENTS);
    expect(await countFunnelRows(web.database.db, { shop: SHOP, state: "waiting" })).toBe(EVENTS);

    // WHEN a worker process starts THEN each event reaches Meta once
    worker = await createAppContext(parseEnv(process.env), { startWorker: true, worker: { owner: "collector-worker", pollIntervalMs: 200 } });
    const sent = async () => (await funnelSentCounts(web.database.db, SHOP)).reduce((sum, count) => sum + count.sent, 0);
    await waitFor(async () => (await sent()) === EVENTS, 20_000, "all events sent");
    expect(await countFunnelRows(web.database.db, { shop: SHOP, state: "done" })).toBe(EVENTS);
    expect(await countCollectorDeliveries(web.database.db, SHOP)).toBe(0);
    expect(new Set(sim.accepted.map((accepted) => accepted.event.event_id)).size).toBe(EVENTS);
    expect(sim.accepted).toHaveLength(EVENTS);
  });
});
