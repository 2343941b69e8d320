import { describe, expect, it } from "vitest";
import { startBullmqConsumer } from "~/delivery/bullmq-consumer.server";
import { createBullmqQueue } from "~/delivery/bullmq-queue.server";
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
    await expect(queue.notify("shop.myshopify.com", [1])).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    await queue.close();
  });
});
