import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureShop, enqueuePurchases, rowsOf, startHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await configureShop(h);
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
    expect((await rowsOf(h)).every((r) => r.status === "sent" && r.leaseOwner === null)).toBe(true);
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
