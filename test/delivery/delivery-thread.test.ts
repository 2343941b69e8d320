import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../app/logger.server";
import { renderMetrics } from "../../app/observability/render-metrics.server";
import { createDeliveryThread, deliveryThreadEntry } from "../../app/delivery/thread/delivery-thread.server";
import { parseEnv } from "../../app/env.server";
import { createOutbox } from "../../app/db/outbox.server";
import { checkHealth } from "../../app/observability/health.server";
import { BUSY_WITH_WEBHOOKS, countingWebhook, webhookPressureBuffer } from "../../app/webhooks/webhook-pressure.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { useTestApp } from "../support/app";
import { openTestApp } from "../support/app-context";
import { sleep, waitFor } from "../support/wait";
import { withConnection } from "../db/support";
import { captureLines, deliverPaidOrder, META_TOKEN, PIXEL, sample, SHOP } from "../observability/support";

// The embedded web process's inline worker on its own thread (decision 0010), driven through the real
// orders/paid route: the thread opens its own connection to the same SQLite file, and sends its metrics, log
// lines and shop changes back to the web process. npm test builds build/node/delivery-thread.js first.

function recentOrder(n: number) {
  const at = new Date(Date.now() - 60_000).toISOString();
  return numberedOrder(n, { processed_at: at, created_at: at });
}

describe("delivery thread", () => {
  let sim: MetaSimulator;
  let capture: ReturnType<typeof captureLines>;
  let lines: string[];

  beforeAll(async () => {
    expect(deliveryThreadEntry(), "npm test builds the thread entry before Vitest runs").not.toBeNull();
    sim = await startMetaSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.registerPixel(PIXEL, META_TOKEN);
    capture = captureLines();
    lines = capture.lines;
  });
  const app = useTestApp({
    env: () => ({ META_GRAPH_URL: sim.url }),
    options: () => ({ startWorker: true, deliveryThread: true, logger: createLogger("info", capture.stream) }),
  });
  beforeEach(async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: META_TOKEN }, Date.now());
  });

  it("delivers every webhook's event once and counts it in the web process's /metrics", async () => {
    const scrape = async () => (await renderMetrics(app.context.metrics, app.context.outbox)).body;
    const sentBefore = sample(await scrape(), "tandem_events_sent_total");
    const latencyBefore = sample(await scrape(), "tandem_delivery_latency_seconds_count");
    // GIVEN 300 orders arriving through the signed route, 20 at a time
    for (let start = 0; start < 300; start += 20) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => deliverPaidOrder(recentOrder(start + i), { webhookId: `wh-thread-${start + i}` })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    }
    // THEN the thread sends all of them, each counted once by Meta
    await waitFor(async () => (await app.context.outbox.countByStatus(SHOP)).sent === 300, 10_000);
    expect(sim.accepted).toHaveLength(300);
    expect(sim.doubleCounted()).toEqual([]);
    // AND its delivery metrics reached this process's registry (a message that follows the commit, so it
    // may land just after the rows read as sent)
    await waitFor(async () => sample(await scrape(), "tandem_delivery_latency_seconds_count") - latencyBefore >= 300, 2_000);
    const after = await scrape();
    expect(sample(after, "tandem_events_sent_total") - sentBefore).toBe(300);
    expect(sample(after, "tandem_delivery_latency_seconds_count") - latencyBefore).toBe(300);
    // AND the health check counts the running thread as healthy
    expect(await checkHealth(app.context)).toEqual({ ok: true, database: "ok", queue: "ok", worker: "ok" });
  });

  it("pausing a shop on a bad token is logged by the web process and clears its configuration cache", async () => {
    // GIVEN the web process has the shop's configuration cached
    expect((await app.context.shopConfigs.getShop(SHOP))?.needsAttentionAt ?? null).toBeNull();
    sim.expireToken(PIXEL);
    // WHEN an order arrives and Meta rejects the token
    expect((await deliverPaidOrder(recentOrder(1), { webhookId: "wh-thread-token" })).status).toBe(200);
    await waitFor(async () => (await app.context.outbox.countByStatus(SHOP)).needs_attention === 1, 10_000);
    // THEN nothing was sent, the thread's log line came out of this process's logger,
    expect(sim.accepted).toHaveLength(0);
    // (log lines are messages from the thread, so they may land just after the row reads as paused)
    const warned = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).some((record) => record.shop === SHOP && Number(record.level) >= 40);
    await waitFor(async () => warned(), 2_000);
    expect(lines.join("\n")).not.toContain(META_TOKEN);
    // AND the cached configuration was forgotten, so the next read sees the pause well before the cache's
    // 2 s lifetime would have ended it
    await waitFor(async () => (await app.context.shopConfigs.getShop(SHOP))?.needsAttentionAt != null, 300);
  });

  it("steps aside while this process's webhooks queue, reading their count from shared memory", async () => {
    // GIVEN the web process is busy: as many webhooks in flight as "busy" means
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inFlight = Array.from({ length: BUSY_WITH_WEBHOOKS }, () => countingWebhook(() => held));
    expect((await deliverPaidOrder(recentOrder(3), { webhookId: "wh-thread-busy" })).status).toBe(200);
    // THEN the thread leaves the row alone while they last (it waits at most 2 s, so look well before that)
    await sleep(600);
    expect(sim.accepted).toHaveLength(0);
    // AND delivers once they are answered
    release();
    await Promise.all(inFlight);
    await waitFor(async () => (await app.context.outbox.countByStatus(SHOP)).sent === 1, 3_000);
  });

  it("close() lets an in-flight send finish and be recorded before the thread ends", async () => {
    sim.setLatency(400);
    expect((await deliverPaidOrder(recentOrder(2), { webhookId: "wh-thread-close" })).status).toBe(200);
    // GIVEN the thread has leased the row and Meta is still answering
    const leased = () =>
      app.context.database.db.selectFrom("deliveries").select("lease_owner").where("shop", "=", SHOP).where("lease_owner", "is not", null).execute();
    await waitFor(async () => (await leased()).length === 1, 5_000);
    expect(sim.accepted).toHaveLength(0);
    // WHEN the process shuts down
    const url = app.context.env.DATABASE_URL;
    await app.context.close();
    // THEN the send completed and was recorded as sent, not left leased for another worker to repeat
    expect(sim.accepted).toHaveLength(1);
    expect(await withConnection(url, (database) => createOutbox(database).countByStatus(SHOP))).toMatchObject({ sent: 1, pending: 0 });
  });
});

describe("delivery thread, in-memory database", () => {
  it("keeps the worker in-process, where the one connection that sees the data lives", async () => {
    const sim = await startMetaSimulator();
    sim.registerPixel(PIXEL, META_TOKEN);
    const { context, cleanup } = await openTestApp({ DATABASE_URL: "file::memory:", META_GRAPH_URL: sim.url, WORKER: "inline" }, { deliveryThread: true });
    try {
      await context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: META_TOKEN }, Date.now());
      expect((await deliverPaidOrder(recentOrder(4), { webhookId: "wh-memory" })).status).toBe(200);
      // An in-process worker has nothing apart from the process to report, and delivers from this connection.
      expect(context.worker.health?.() ?? null).toBeNull();
      expect((await context.worker.runOnce()).sent).toBe(1);
      expect(sim.accepted).toHaveLength(1);
    } finally {
      await cleanup();
      await sim.close();
    }
  });
});

describe("delivery thread supervision", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tandem-thread-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a thread that dies is started again, with backoff, until stop()", async () => {
    // GIVEN a thread entry that dies as soon as it starts
    const entry = join(dir, "dies.mjs");
    writeFileSync(entry, "process.exit(3);\n");
    const errors: string[] = [];
    let exits = 0;
    const logger = { info() {}, warn() {}, error: (_fields: Record<string, unknown>, message: string) => void errors.push(message) };
    const thread = createDeliveryThread({
      env: parseEnv({ ...process.env, DATABASE_URL: `file:${join(dir, "x.sqlite")}` }),
      owner: "test",
      webhookPressure: webhookPressureBuffer(),
      busyThreshold: 12,
      logger,
      metrics: { recordDelivered() {}, recordMetaError() {}, recordResends() {}, recordTokenErrorUnconfirmed() {}, recordStaleResults() {}, recordDeliveryThreadExit: () => void (exits += 1) },
      onShopChanged() {},
      entry,
      restartAfterMs: 20,
    });
    thread.start();
    // THEN it is restarted (20, 40, 80 ms ...), each exit logged
    await waitFor(async () => errors.length >= 3, 5_000);
    expect(errors.filter((message) => message !== "delivery thread exited; restarting")).toEqual([]);
    // AND each exit is counted for /metrics, and /healthz says why nothing is being delivered
    expect(exits).toBe(errors.length);
    expect(thread.health?.()).toBe("delivery thread exited with code 3; restarting");
    // AND stop() ends the cycle
    await thread.stop();
    expect(thread.health?.()).toBeNull();
    const afterStop = errors.length;
    await sleep(300);
    expect(errors.length).toBe(afterStop);
    await expect(thread.runOnce()).rejects.toThrow(/not running/);
  });
});
