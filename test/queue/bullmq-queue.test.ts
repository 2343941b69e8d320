import { describe, expect, it } from "vitest";
import { startBullmqConsumer } from "../../app/delivery/bullmq-consumer.server";
import { createBullmqQueue } from "../../app/delivery/bullmq-queue.server";
import { bullmqNamespace, TEST_REDIS_URL } from "../scale/bullmq-namespace";
import { runQueueContract } from "./queue-contract";

// Scale mode: the nudge travels through Redis to a BullMQ consumer, which runs the worker's passes. The
// worker's own loop (the sweep) is not started here, so only the job can deliver.
runQueueContract("BullMQ (PostgreSQL + Redis)", {
  engine: "postgres",
  async open(worker) {
    const ns = bullmqNamespace();
    const consumer = startBullmqConsumer({ url: TEST_REDIS_URL, worker, name: ns.name, prefix: ns.prefix });
    await consumer.ready();
    const queue = createBullmqQueue({ url: TEST_REDIS_URL, name: ns.name, prefix: ns.prefix });
    return {
      queue,
      async stop() {
        await consumer.close();
        await ns.drop();
      },
    };
  },
});

describe("BullMQ queue when Redis is unreachable", () => {
  it("fails ping quickly and does not fail notify (the sweep delivers the committed rows)", async () => {
    const queue = createBullmqQueue({ url: "redis://127.0.0.1:1", name: "unreachable" });
    const started = Date.now();
    await expect(queue.ping()).rejects.toThrow(/Redis|ECONNREFUSED|Connection/i);
    await expect(queue.notify("shop.myshopify.com")).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    await queue.close();
  });
});

describe("BullMQ queue under a burst of webhooks for one shop", () => {
  it("coalesces concurrent notifications into a few Redis adds", async () => {
    const ns = bullmqNamespace();
    const queue = createBullmqQueue({ url: TEST_REDIS_URL, name: ns.name, prefix: ns.prefix });
    let adds = 0;
    queue.bull.on("waiting", () => void (adds += 1));
    try {
      await Promise.all(Array.from({ length: 200 }, () => queue.notify("busy.myshopify.com")));
      // One add, then one more for everything that arrived while it was in flight.
      expect(adds).toBeGreaterThanOrEqual(1);
      expect(adds).toBeLessThanOrEqual(2);
      // A notification after the burst settles is a new add (its rows may be newer than any job).
      await queue.notify("busy.myshopify.com");
      expect(adds).toBeLessThanOrEqual(3);
      expect(adds).toBeGreaterThanOrEqual(2);
    } finally {
      await queue.close();
      await ns.drop();
    }
  });
});
