import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { createOutbox } from "../../app/db/outbox.server";
import { configureShop, enqueuePurchases, rowsOf, startHarness, type Harness } from "./harness";

// The same worker on PostgreSQL (scale mode's database), including workers on separate connections.
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ engine: "postgres" });
  await configureShop(h);
});
afterEach(async () => {
  await h.close();
});

describe("delivery worker on PostgreSQL", () => {
  it("retries a 500 and then delivers each event exactly once", async () => {
    await enqueuePurchases(h, 50);
    h.sim.injectFailures({ kind: "http500", count: 1 });
    const worker = h.worker();
    expect(await worker.runOnce()).toMatchObject({ retried: 50 });
    h.clock.advance(10_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 50 });
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    expect((await rowsOf(h)).filter((r) => !(r.status === "sent" && r.fbtraceId !== null && r.eventsReceived === 50))).toEqual([]);
  });

  it("lets workers on separate connections drain one backlog without sending anything twice", async () => {
    await enqueuePurchases(h, 1_200);
    const connections = await Promise.all([1, 2, 3].map(() => openDatabase(h.databaseUrl)));
    try {
      const workers = connections.map((database, i) =>
        h.worker({ outbox: createOutbox(database), owner: `worker-${i}`, claimLimit: 250, batchSize: 100 }),
      );
      // Each worker keeps claiming until the backlog is gone, all at the same time.
      await Promise.all(
        workers.map(async (worker) => {
          while ((await worker.runOnce()).claimed > 0);
        }),
      );
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
    expect(h.sim.accepted).toHaveLength(1_200);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    expect((await h.outbox.countByStatus()).sent).toBe(1_200);
  });
});
