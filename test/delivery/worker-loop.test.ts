import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedQueue } from "../../app/delivery/queue";
import { enqueuePurchases, startConfiguredHarness, type Harness } from "./harness";
import { sleep, waitFor } from "../support/wait";

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

describe("delivery worker: loop", () => {
  it("delivers promptly when woken through the embedded queue, long before the poll interval", async () => {
    const worker = h.worker({ pollIntervalMs: 60_000 });
    const queue = createEmbeddedQueue(worker);
    worker.start();
    // Let the first (empty) pass finish so the loop is asleep.
    await sleep(50);

    await enqueuePurchases(h, 3);
    const started = Date.now();
    await queue.notify("delivery-test.myshopify.com");
    await waitFor(() => h.sim.accepted.length === 3, 3_000);

    expect(Date.now() - started).toBeLessThan(2_000);
    await worker.stop();
    await queue.close();
  });

  it("steps aside while the web process is busy with webhooks, then delivers once it is not", async () => {
    let busy = true;
    const worker = h.worker({ pollIntervalMs: 20, yieldWhile: () => busy, maxYieldMs: 60_000 });
    await enqueuePurchases(h, 2);
    worker.start();
    await sleep(300);
    // WHILE busy: nothing was sent, the rows wait
    expect(h.sim.accepted).toHaveLength(0);

    busy = false;
    await waitFor(() => h.sim.accepted.length === 2, 3_000);
    await worker.stop();
  });

  it("never steps aside for longer than maxYieldMs, so delivery keeps moving under constant load", async () => {
    const worker = h.worker({ pollIntervalMs: 20, yieldWhile: () => true, maxYieldMs: 150 });
    await enqueuePurchases(h, 2);
    const started = Date.now();
    worker.start();
    await waitFor(() => h.sim.accepted.length === 2, 3_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await worker.stop();
  });

  it("stops promptly while stepping aside", async () => {
    const worker = h.worker({ pollIntervalMs: 20, yieldWhile: () => true, maxYieldMs: 60_000 });
    worker.start();
    await sleep(50);
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("polls on its own when nobody wakes it", async () => {
    const worker = h.worker({ pollIntervalMs: 20 });
    worker.start();
    await sleep(50);
    await enqueuePurchases(h, 2);
    await waitFor(() => h.sim.accepted.length === 2, 3_000);
    await worker.stop();
  });

  it("stops gracefully: finishes the batch in flight, then claims nothing more; stop twice is safe", async () => {
    h.sim.setLatency(300);
    await enqueuePurchases(h, 5);
    const worker = h.worker({ pollIntervalMs: 10 });
    worker.start();
    await waitFor(() => h.sim.requests.length === 1, 3_000);

    const first = worker.stop();
    const second = worker.stop();
    await Promise.all([first, second]);

    // The in-flight request completed and was recorded, not abandoned.
    expect(h.sim.accepted).toHaveLength(5);
    expect((await h.outbox.countByStatus()).sent).toBe(5);
    await enqueuePurchases(h, 2, { from: 5 });
    await sleep(100);
    expect(h.sim.accepted).toHaveLength(5);
  });

  it("keeps running after a pass fails (e.g. the database is briefly unavailable)", async () => {
    let failures = 1;
    const outbox = {
      ...h.outbox,
      claimDue: async (input: Parameters<typeof h.outbox.claimDue>[0]) => {
        if (failures-- > 0) throw new Error("database is locked");
        return h.outbox.claimDue(input);
      },
    };
    await enqueuePurchases(h, 1);
    const worker = h.worker({ outbox, pollIntervalMs: 10 });
    worker.start();
    await waitFor(() => h.sim.accepted.length === 1, 3_000);
    await worker.stop();
    expect(h.logger.lines).toContainEqual(expect.objectContaining({ level: "error", message: "delivery pass failed" }));
  });
});
