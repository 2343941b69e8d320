import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createMetaGraphClient } from "../../app/destinations/meta/graph-client.server";
import type { MetaGraphClient } from "../../app/destinations/meta/types";
import type { RunSummary } from "../../app/delivery/run-summary";
import { createMetrics } from "../../app/observability/metrics.server";
import { enqueuePurchases, GRAPH_VERSION, rowsOf, startConfiguredHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

describe("delivery worker: leases", () => {
  it("reclaims rows from a worker that died holding them, once the lease expires", async () => {
    await enqueuePurchases(h, 4);
    // GIVEN a worker that claimed the rows and then died (its lease is never released)
    const taken = await h.outbox.claimDue({ nowMs: h.clock.now(), limit: 100, owner: "worker-dead", leaseMs: 60_000 });
    expect(taken).toHaveLength(4);
    const survivor = h.worker({ owner: "worker-b", leaseMs: 60_000 });

    // WHEN another worker runs before the lease expires THEN it leaves the rows alone
    expect((await survivor.runOnce()).claimed).toBe(0);
    h.clock.advance(59_000);
    expect((await survivor.runOnce()).claimed).toBe(0);

    // WHEN the lease has expired THEN it takes them over and delivers them once
    h.clock.advance(1_001);
    const summary = await survivor.runOnce();
    expect(summary).toMatchObject({ claimed: 4, sent: 4 });
    expect(h.sim.accepted).toHaveLength(4);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    expect((await rowsOf(h)).filter((r) => !(r.status === "sent" && r.leaseOwner === null))).toEqual([]);
  });

  it("does not let two workers send the same rows", async () => {
    await enqueuePurchases(h, 300);
    const a = h.worker({ owner: "worker-a", claimLimit: 200 });
    const b = h.worker({ owner: "worker-b", claimLimit: 200 });

    const [first, second] = await Promise.all([a.runOnce(), b.runOnce()]);

    expect(first.claimed + second.claimed).toBe(300);
    expect(h.sim.accepted).toHaveLength(300);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
  });
});

describe("delivery worker: lease budget", () => {
  it("stops starting requests late in its lease and hands the unsent rows back instead", async () => {
    await enqueuePurchases(h, 8);
    // One event Meta rejects, so the batch is split into several requests.
    await sql`update deliveries set payload = json_set(payload, '$.user_data.em', 'raw@example.com') where event_id = 'deliv-evt-6'`.execute(h.database.db);
    // GIVEN Meta answers each request only after 20 s of (simulated) time
    const real = createMetaGraphClient({ baseUrl: h.sim.url, version: GRAPH_VERSION });
    const slow: MetaGraphClient = {
      async sendEvents(input) {
        const result = await real.sendEvents(input);
        h.clock.advance(20_000);
        return result;
      },
    };
    const worker = h.worker({ client: slow, leaseMs: 60_000 });

    // WHEN one pass runs with a 60 s lease
    const first = await worker.runOnce();

    // THEN it made requests only during the first 45 s, and released what it had not sent yet
    expect(first.requests).toBe(3);
    expect(first.released).toBeGreaterThan(0);
    const handedBack = (await rowsOf(h)).filter((r) => r.status === "pending");
    expect(handedBack).toHaveLength(first.released);
    expect(handedBack.filter((r) => !(r.leaseOwner === null && r.attempts === 0))).toEqual([]);

    // AND the next passes finish the job: 7 sent, 1 dead, nothing twice
    while ((await worker.runOnce()).claimed > 0);
    expect(await h.outbox.countByStatus()).toMatchObject({ sent: 7, dead: 1, pending: 0 });
    expect(h.sim.duplicateDeliveries()).toEqual([]);
  });
});

describe("delivery worker: results fenced by the lease (decision 0036)", () => {
  it("drops the failure of a worker whose lease ran out while another worker sent its rows, and counts it", async () => {
    await enqueuePurchases(h, 3);
    const b = h.worker({ owner: "worker-b", leaseMs: 60_000 });
    let fromB: RunSummary | null = null;
    // GIVEN worker A's request hangs past its lease; meanwhile worker B claims the rows again and Meta accepts them
    const hanging: MetaGraphClient = {
      async sendEvents() {
        h.clock.advance(60_001);
        fromB = await b.runOnce();
        return { ok: false, errorClass: "transient", httpStatus: null, code: null, subcode: null, title: null, message: "timeout", fbtraceId: null };
      },
    };
    const metrics = createMetrics({ defaultMetrics: false });
    const a = h.worker({ owner: "worker-a", leaseMs: 60_000, client: hanging, metrics });

    // WHEN A's timeout finally lands
    const fromA = await a.runOnce();

    // THEN B's "sent" stands: A's retry is dropped, counted, and no third send is scheduled
    expect(fromB).toMatchObject({ claimed: 3, sent: 3 });
    expect(fromA).toMatchObject({ claimed: 3, retried: 0, stale: 3 });
    expect((await rowsOf(h)).map((r) => [r.status, r.attempts, r.leaseOwner])).toEqual(Array.from({ length: 3 }, () => ["sent", 1, null]));
    h.clock.advance(24 * 3_600_000);
    expect((await b.runOnce()).claimed).toBe(0);
    expect(h.sim.accepted).toHaveLength(3);
    expect(await metrics.registry.getSingleMetricAsString("tandem_delivery_stale_results_total")).toContain(
      'tandem_delivery_stale_results_total{result="retrying"} 3',
    );
    expect(h.logger.lines.filter((l) => l.message.startsWith("results dropped")).map((l) => l.fields)).toEqual([
      expect.objectContaining({ result: "retrying", count: 3 }),
    ]);
  });

  it("tells its own passes apart: a pass whose lease ran out does not record over the pass that holds its rows now", async () => {
    await enqueuePurchases(h, 2);
    const real = createMetaGraphClient({ baseUrl: h.sim.url, version: GRAPH_VERSION });
    let later: Promise<RunSummary> | null = null;
    let laterSending: () => void = () => {};
    const laterIsSending = new Promise<void>((resolve) => (laterSending = resolve));
    let firstRecorded: () => void = () => {};
    const firstIsRecorded = new Promise<void>((resolve) => (firstRecorded = resolve));
    let calls = 0;
    // GIVEN one worker whose first pass hangs past its lease, while its next pass claims the same rows and is
    // still waiting on Meta when the first pass's timeout lands
    const worker = h.worker({
      owner: "worker-a",
      leaseMs: 60_000,
      client: {
        async sendEvents(input) {
          calls += 1;
          if (calls === 1) {
            h.clock.advance(60_001);
            later = worker.runOnce();
            await laterIsSending;
            return { ok: false, errorClass: "transient", httpStatus: null, code: null, subcode: null, title: null, message: "timeout", fbtraceId: null };
          }
          laterSending();
          await firstIsRecorded;
          return real.sendEvents(input);
        },
      },
    });

    // WHEN the first pass records its timeout
    const first = await worker.runOnce();
    firstRecorded();

    // THEN it is dropped: the later pass's answer is the one recorded
    expect(first).toMatchObject({ claimed: 2, retried: 0, stale: 2 });
    expect(await later).toMatchObject({ claimed: 2, sent: 2 });
    expect((await rowsOf(h)).map((r) => [r.status, r.attempts])).toEqual([["sent", 1], ["sent", 1]]);
  });
});
