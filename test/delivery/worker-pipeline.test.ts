import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMetaGraphClient } from "../../app/destinations/meta/graph-client.server";
import type { MetaGraphClient } from "../../app/destinations/meta/types";
import { enqueuePurchases, GRAPH_VERSION, startConfiguredHarness, type Harness } from "./harness";
import { sleep, waitFor } from "../support/wait";

// passesInFlight (worker-options.ts): while a backlog drains, the next claim goes out while earlier passes
// wait on Meta; outside a backlog passes stay one at a time. The Meta requests in flight at once are counted
// at the client, in front of the real simulator.

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

/** The real client to the simulator, counting the sends that are out at the same time. */
function countingClient(): { client: MetaGraphClient; maxInFlight(): number } {
  const real = createMetaGraphClient({ baseUrl: h.sim.url, version: GRAPH_VERSION, timeoutMs: 5_000 });
  let inFlight = 0;
  let max = 0;
  return {
    client: {
      ...real,
      async sendEvents(input) {
        inFlight += 1;
        max = Math.max(max, inFlight);
        try {
          return await real.sendEvents(input);
        } finally {
          inFlight -= 1;
        }
      },
    },
    maxInFlight: () => max,
  };
}

function sentOnce(): boolean {
  const ids = h.sim.accepted.map((item) => item.event.event_id);
  return new Set(ids).size === ids.length;
}

describe("delivery worker: passes in flight", () => {
  it("drains a backlog with several passes out at once, each event sent once", async () => {
    // GIVEN 40 due rows of one pixel, claims of 10, Meta answering after 150 ms
    h.sim.setLatency(150);
    await enqueuePurchases(h, 40);
    const counting = countingClient();
    const worker = h.worker({ client: counting.client, claimLimit: 10, batchSize: 10, passesInFlight: 3, pollIntervalMs: 20 });
    // WHEN the worker runs
    worker.start();
    await waitFor(() => h.sim.accepted.length === 40, 5_000);
    await worker.stop();
    // THEN claims overlapped (never more than the bound) and no row went out twice
    expect(counting.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(counting.maxInFlight()).toBeLessThanOrEqual(3);
    expect(sentOnce()).toBe(true);
    expect((await h.outbox.countByStatus()).sent).toBe(40);
  });

  it("keeps one pass at a time by default", async () => {
    h.sim.setLatency(100);
    await enqueuePurchases(h, 30);
    const counting = countingClient();
    const worker = h.worker({ client: counting.client, claimLimit: 10, batchSize: 10, pollIntervalMs: 20 });
    worker.start();
    await waitFor(() => h.sim.accepted.length === 30, 5_000);
    await worker.stop();
    expect(counting.maxInFlight()).toBe(1);
    expect(sentOnce()).toBe(true);
  });

  it("outside a backlog (a claim that is not full) waits for the pass in flight before claiming again", async () => {
    // GIVEN a claim that comes back short while Meta is slow
    h.sim.setLatency(300);
    await enqueuePurchases(h, 5);
    const counting = countingClient();
    const worker = h.worker({ client: counting.client, claimLimit: 10, batchSize: 10, passesInFlight: 4, pollIntervalMs: 20, coalesceMs: 5 });
    worker.start();
    await waitFor(() => counting.maxInFlight() === 1, 3_000);
    // WHEN more rows arrive while that pass waits on Meta
    await enqueuePurchases(h, 5, { from: 100 });
    worker.wake();
    await sleep(100);
    // THEN they wait for the next pass: no second send is out beside the first
    expect(counting.maxInFlight()).toBe(1);
    await waitFor(() => h.sim.accepted.length === 10, 5_000);
    await worker.stop();
    expect(counting.maxInFlight()).toBe(1);
    expect(sentOnce()).toBe(true);
  });

  it("stops gracefully with several passes out: every claimed row is sent and recorded", async () => {
    h.sim.setLatency(200);
    await enqueuePurchases(h, 60);
    const counting = countingClient();
    const worker = h.worker({ client: counting.client, claimLimit: 10, batchSize: 10, passesInFlight: 3, pollIntervalMs: 20 });
    worker.start();
    await waitFor(() => counting.maxInFlight() >= 2, 3_000);
    await worker.stop();
    const counts = await h.outbox.countByStatus();
    // Whatever went out was recorded as sent before stop() returned; the rest still waits, none leased away.
    expect(counts.sent).toBe(h.sim.accepted.length);
    expect(counts.sent + counts.pending).toBe(60);
    expect(sentOnce()).toBe(true);
  });
});
