import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../app/db/connection.server";
import { createOutbox } from "../../app/db/outbox.server";
import { startBullmqConsumer, type BullmqConsumer } from "../../app/delivery/bullmq-consumer.server";
import { createBullmqQueue, type BullmqDeliveryQueue } from "../../app/delivery/bullmq-queue.server";
import {
  configureShop,
  enqueuePurchases,
  OTHER_SHOP,
  PIXEL_B,
  OTHER_TOKEN,
  SHOP,
  startHarness,
  type Harness,
} from "../delivery/harness";
import { bullmqNamespace, TEST_REDIS_URL, type BullmqNamespace } from "./bullmq-namespace";
import { waitFor } from "../support/wait";

// Scale mode with two worker "processes" (each its own database pool, BullMQ consumer and worker).

let h: Harness;
let ns: BullmqNamespace;
let queue: BullmqDeliveryQueue;
const connections: Database[] = [];
const consumers: BullmqConsumer[] = [];

beforeEach(async () => {
  h = await startHarness({ engine: "postgres", startMs: Date.now() });
  await configureShop(h);
  await configureShop(h, OTHER_SHOP, [PIXEL_B], OTHER_TOKEN);
  ns = bullmqNamespace();
  queue = createBullmqQueue({ url: TEST_REDIS_URL, name: ns.name, prefix: ns.prefix });
});
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.close();
  for (const connection of connections.splice(0)) await connection.close();
  await queue.close();
  await ns.drop();
  await h.close();
});

async function startWorkerProcess(i: number, options: { sweepMs?: number } = {}) {
  const database = await openDatabase(h.databaseUrl, { poolMax: 4 });
  connections.push(database);
  const worker = h.worker({
    outbox: createOutbox(database),
    owner: `worker-${i}`,
    now: Date.now,
    claimLimit: 500,
    batchSize: 250,
    pollIntervalMs: options.sweepMs ?? 600_000,
  });
  const consumer = startBullmqConsumer({ url: TEST_REDIS_URL, worker, name: ns.name, prefix: ns.prefix });
  consumers.push({ ready: consumer.ready, close: async () => { await consumer.close(); await worker.stop(); } });
  await consumer.ready();
  if (options.sweepMs !== undefined) worker.start();
}

describe("scale mode: fairness and many workers", () => {
  it("delivers a quiet shop's 10 events in the first round while a busy shop has 5,000 pending", async () => {
    // GIVEN shop A with a 5,000-event backlog, nudged many times, and then shop B with 10
    await enqueuePurchases(h, 5_000);
    await enqueuePurchases(h, 10, { shop: OTHER_SHOP, pixelId: PIXEL_B });
    for (let i = 0; i < 50; i += 1) await queue.notify(SHOP);
    await queue.notify(OTHER_SHOP);
    await startWorkerProcess(1);
    await startWorkerProcess(2);

    await waitFor(() => h.sim.accepted.length === 5_010, 30_000, "everything delivered");
    // THEN B's events were in the first claims, not behind A's backlog
    const positions = h.sim.accepted.flatMap((item, index) => (item.pixelId === PIXEL_B ? [index] : []));
    expect(positions).toHaveLength(10);
    expect(Math.max(...positions)).toBeLessThan(1_000);
    // AND two workers sharing the backlog sent nothing twice
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    // AND every row is recorded as sent (Meta's answer can land a moment before the row is marked)
    await waitFor(async () => (await h.outbox.countByStatus()).sent === 5_010, 10_000, "all rows marked sent");
  }, 60_000);

  it("sweeps up rows whose nudge never reached Redis", async () => {
    await startWorkerProcess(1, { sweepMs: 200 });
    // GIVEN rows committed without any job (Redis lost it, or was down when the webhook came)
    await enqueuePurchases(h, 20);
    // THEN a worker's sweep delivers them anyway
    await waitFor(() => h.sim.accepted.length === 20, 5_000, "swept rows delivered");
    expect(h.sim.duplicateDeliveries()).toEqual([]);
  });
});
