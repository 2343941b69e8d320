import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryWorker } from "../../app/delivery/worker.server";
import type { DeliveryQueue } from "../../app/delivery/queue";
import { configureShop, enqueuePurchases, SHOP, startHarness, type Harness } from "../delivery/harness";
import { sleep, waitFor } from "../support/wait";

// One contract for every DeliveryQueue backend: whatever carries the nudge, a notified worker delivers,
// duplicates change nothing, close is idempotent, and ping reports health. Each backend gets its own
// database and (for BullMQ) its own queue namespace per test.

export type OpenedBackend = { queue: DeliveryQueue; stop(): Promise<void> };
export type QueueBackendUnderTest = {
  engine: "sqlite" | "postgres";
  /** Wire `worker` to the backend so that only a notification (not a poll) can make it deliver. */
  open(worker: DeliveryWorker): Promise<OpenedBackend>;
};

const SETTLE_MS = 100;

export function runQueueContract(name: string, backend: QueueBackendUnderTest): void {
  describe(`DeliveryQueue contract: ${name}`, () => {
    let h: Harness;
    let opened: OpenedBackend;

    beforeEach(async () => {
      h = await startHarness({ engine: backend.engine, startMs: Date.now() });
      await configureShop(h);
      // A poll interval far beyond the test's timeouts: delivery can only come from a notification.
      opened = await backend.open(h.worker({ now: Date.now, pollIntervalMs: 600_000 }));
      await sleep(SETTLE_MS);
    });
    afterEach(async () => {
      await opened.stop();
      await opened.queue.close();
      await h.close();
    });

    it("wakes a worker: notified rows are delivered without waiting for a poll", async () => {
      await enqueuePurchases(h, 5);
      await opened.queue.notify(SHOP);
      await waitFor(() => h.sim.accepted.length === 5, 5_000);
      expect(h.sim.duplicateDeliveries()).toEqual([]);
    });

    it("treats duplicate notifications as harmless: every event is sent once", async () => {
      await enqueuePurchases(h, 40);
      await Promise.all(Array.from({ length: 25 }, () => opened.queue.notify(SHOP)));
      await waitFor(() => h.sim.accepted.length === 40, 5_000);
      await sleep(300);
      expect(h.sim.accepted).toHaveLength(40);
      expect(h.sim.duplicateDeliveries()).toEqual([]);
    });

    it("does not lose a notification that arrives while a pass is sending", async () => {
      h.sim.setLatency(300);
      await enqueuePurchases(h, 3);
      await opened.queue.notify(SHOP);
      await waitFor(async () => (await h.outbox.list({ shop: SHOP, limit: 10 })).rows.some((r) => r.leaseOwner !== null), 5_000);
      expect(h.sim.accepted).toHaveLength(0);
      // GIVEN a pass in flight WHEN new rows arrive and are notified THEN they go out without a poll.
      await enqueuePurchases(h, 3, { from: 3 });
      await opened.queue.notify(SHOP);
      await waitFor(() => h.sim.accepted.length === 6, 5_000);
      expect(h.sim.duplicateDeliveries()).toEqual([]);
    });

    it("answers ping while open", async () => {
      await expect(opened.queue.ping?.() ?? Promise.resolve()).resolves.toBeUndefined();
    });

    it("closes idempotently, and a notification after close is a quiet no-op", async () => {
      await opened.stop();
      await Promise.all([opened.queue.close(), opened.queue.close()]);
      await opened.queue.close();
      await enqueuePurchases(h, 2);
      await expect(opened.queue.notify(SHOP)).resolves.toBeUndefined();
      await sleep(300);
      expect(h.sim.accepted).toHaveLength(0);
    });
  });
}

