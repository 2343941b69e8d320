import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listActivity } from "../../app/admin/activity.server";
import type { MetaGraphClient } from "../../app/destinations/meta/types";
import { createMetrics } from "../../app/observability/metrics.server";
import { enqueuePurchases, rowsOf, SHOP, startConfiguredHarness, type Harness } from "./harness";

// Decision 0025: at-least-once sends, deduplicated by Meta through event_id; a re-send after a lost answer is
// counted on the row and in /metrics.

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

async function resendsMetric(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric("tandem_delivery_resends_total")?.get();
  return metric?.values[0]?.value ?? 0;
}

describe("delivery worker: re-sends after a lost answer", () => {
  it("counts a row sent again after the worker that sent it lost Meta's answer", async () => {
    await enqueuePurchases(h, 3);
    // GIVEN a worker whose request to Meta never answers (it was killed, or its lease ran out meanwhile)
    const hanging: MetaGraphClient = { sendEvents: () => new Promise(() => {}) };
    void h.worker({ owner: "worker-lost", client: hanging, leaseMs: 60_000, metrics: null }).runOnce();
    await expect.poll(async () => (await rowsOf(h)).every((row) => row.sendingStartedAt !== null)).toBe(true);

    // WHEN the lease expires and another worker takes the rows
    h.clock.advance(60_001);
    const metrics = createMetrics({ defaultMetrics: false });
    const summary = await h.worker({ owner: "worker-b", metrics }).runOnce();

    // THEN they are sent, each counted once as a re-send, with when
    expect(summary).toMatchObject({ claimed: 3, sent: 3, resent: 3 });
    const rows = await rowsOf(h);
    expect(rows.map((row) => [row.status, row.resends, row.resentAt, row.sendingStartedAt])).toEqual(
      Array.from({ length: 3 }, () => ["sent", 1, h.clock.now(), null]),
    );
    expect(await resendsMetric(metrics)).toBe(3);
    expect(h.logger.lines.map((line) => line.message)).toContainEqual(expect.stringMatching(/^sending again after a lost answer/));
    // AND Activity says so in words
    const activity = await listActivity({ database: h.database }, { shop: SHOP });
    expect(activity.rows.map((row) => [row.resends, row.resendNote])).toEqual(
      Array.from({ length: 3 }, () => [1, "Sent again after a lost answer (Meta deduplicates by event_id)"]),
    );
  });

  it("counts nothing for a normal send, nor for rows a dead worker claimed but never sent", async () => {
    await enqueuePurchases(h, 4);
    // GIVEN two rows a worker claimed and died with, before any request
    await h.outbox.claimDue({ nowMs: h.clock.now(), limit: 2, owner: "worker-dead", leaseMs: 1_000 });
    h.clock.advance(1_001);
    const metrics = createMetrics({ defaultMetrics: false });

    // WHEN a worker sends all four THEN none is a re-send
    expect(await h.worker({ metrics }).runOnce()).toMatchObject({ sent: 4, resent: 0 });
    expect((await rowsOf(h)).map((row) => [row.resends, row.resentAt])).toEqual(Array.from({ length: 4 }, () => [0, null]));
    expect(await resendsMetric(metrics)).toBe(0);
    expect((await listActivity({ database: h.database }, { shop: SHOP })).rows.map((row) => row.resendNote)).toEqual([null, null, null, null]);
  });

  it("counts nothing when a retry follows Meta's recorded answer", async () => {
    await enqueuePurchases(h, 2);
    h.sim.injectFailures({ kind: "http500", count: 1 });
    const worker = h.worker();
    expect(await worker.runOnce()).toMatchObject({ retried: 2 });
    h.clock.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 2, resent: 0 });
    expect((await rowsOf(h)).map((row) => row.resends)).toEqual([0, 0]);
  });
});
