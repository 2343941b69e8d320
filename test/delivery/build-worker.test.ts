import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDeliveryWorker, deliveryOwnerId, WEB_CLAIM_LIMIT, type DeliveryRole } from "../../app/delivery/build-worker.server";
import { createFunnelOutbox } from "../../app/db/funnel-outbox.server";
import { createMetaGraphClient } from "../../app/destinations/meta/graph-client.server";
import type { DeliveryWorkerTuning } from "../../app/delivery/worker-options";
import { enqueuePurchases, GRAPH_VERSION, startConfiguredHarness, type Harness } from "./harness";
import { sleep } from "../support/wait";

// One builder for the web process's inline worker, its delivery thread and `npm run worker`: the role decides
// how much a pass claims and whether it steps aside for webhooks; the tuning reaches the worker as given.

describe("buildDeliveryWorker", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startConfiguredHarness();
  });
  afterEach(() => h.close());

  function build(role: DeliveryRole, tuning?: DeliveryWorkerTuning, busyWithWebhooks?: () => boolean) {
    return buildDeliveryWorker({
      role,
      owner: deliveryOwnerId(role),
      outbox: h.outbox,
      funnelOutbox: createFunnelOutbox(h.database),
      shops: h.shops,
      client: createMetaGraphClient({ baseUrl: h.sim.url, version: GRAPH_VERSION }),
      logger: h.logger,
      metrics: null,
      busyWithWebhooks,
      tuning,
      overrides: { now: h.clock.now },
    });
  }

  it("a web process's worker claims half a Meta batch per pass; a worker process a whole one", async () => {
    await enqueuePurchases(h, 2_000);
    expect((await build("web").runOnce()).claimed).toBe(WEB_CLAIM_LIMIT);
    expect((await build("worker").runOnce()).claimed).toBe(1_000);
  });

  it("passes the tuning through: the claim follows a smaller batch size", async () => {
    await enqueuePurchases(h, 300);
    const summary = await build("worker", { batchSize: 100 }).runOnce();
    expect(summary.claimed).toBe(100);
    expect(summary.sent).toBe(100);
  });

  it("a web process's worker steps aside while webhooks queue, at most maxYieldMs", async () => {
    await enqueuePurchases(h, 5);
    let busyChecks = 0;
    const worker = build("web", { maxYieldMs: 150, pollIntervalMs: 10_000 }, () => {
      busyChecks += 1;
      return true;
    });
    const started = performance.now();
    worker.start();
    // THEN the pass waits for the busy signal's limit, and then delivers anyway
    while (h.sim.accepted.length < 5 && performance.now() - started < 5_000) await sleep(10);
    await worker.stop();
    expect(h.sim.accepted).toHaveLength(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(busyChecks).toBeGreaterThan(1);
  });
});

describe("deliveryOwnerId", () => {
  it("names role, host, pid and a random suffix, so two workers never share a lease name", () => {
    const pattern = new RegExp(`^worker-${hostname().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-${process.pid}-[0-9a-f]{6}$`);
    const first = deliveryOwnerId("worker");
    expect(first).toMatch(pattern);
    expect(deliveryOwnerId("web").startsWith(`web-${hostname()}-${process.pid}-`)).toBe(true);
    expect(deliveryOwnerId("worker")).not.toBe(first);
  });
});
