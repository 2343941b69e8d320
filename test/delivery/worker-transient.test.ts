import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ThrottleCode } from "../../sim/graph-error";
import { configureShop, enqueuePurchases, rowsOf, SHOP, startConfiguredHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startConfiguredHarness();
});
afterEach(async () => {
  await h.close();
});

const WAIT_FOR_RETRY_MS = 10_000; // above the harness's retry cap (8 s)

describe("delivery worker: transient failures", () => {
  it("retries after a 500 and delivers exactly once", async () => {
    await enqueuePurchases(h, 5);
    h.sim.injectFailures({ kind: "http500", count: 1 });
    const worker = h.worker();

    // WHEN the first attempt meets a 500
    const first = await worker.runOnce();
    // THEN the rows wait for a retry with the error recorded, and nothing was accepted
    expect(first).toMatchObject({ claimed: 5, retried: 5, sent: 0 });
    const waiting = await rowsOf(h);
    expect(waiting.filter((r) => !(r.status === "retrying" && r.attempts === 1))).toEqual([]);
    expect(waiting[0]?.statusReason).toMatch(/^transient: Meta error 1: An unknown error occurred \(fbtrace_id \w+\)/);
    expect(waiting.filter((r) => !(r.nextAttemptAt > h.clock.now()))).toEqual([]);

    // AND before the backoff has passed nothing is claimed
    expect((await worker.runOnce()).claimed).toBe(0);

    // WHEN the backoff has passed
    h.clock.advance(WAIT_FOR_RETRY_MS);
    const second = await worker.runOnce();

    // THEN every event is delivered once, and Meta counts each once
    expect(second).toMatchObject({ claimed: 5, sent: 5 });
    expect(h.sim.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(h.sim.accepted).toHaveLength(5);
    expect(h.sim.doubleCounted()).toEqual([]);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
    expect((await rowsOf(h)).filter((r) => !(r.status === "sent" && r.attempts === 2))).toEqual([]);
  });

  it("retries a 503 whose body is HTML, not a Graph error", async () => {
    await enqueuePurchases(h, 2);
    h.sim.injectFailures({ kind: "http503", count: 1 });
    const worker = h.worker();
    expect(await worker.runOnce()).toMatchObject({ retried: 2 });
    expect((await rowsOf(h))[0]?.statusReason).toMatch(/HTTP 503/);
    h.clock.advance(WAIT_FOR_RETRY_MS);
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
  });

  it("retries after a timeout", async () => {
    await enqueuePurchases(h, 2);
    h.sim.injectFailures({ kind: "timeout", count: 1, holdMs: 2_000 });
    const worker = h.worker({ timeoutMs: 150 });

    expect(await worker.runOnce()).toMatchObject({ retried: 2, sent: 0 });
    expect((await rowsOf(h))[0]?.statusReason).toMatch(/timed out after 150 ms/);

    h.clock.advance(WAIT_FOR_RETRY_MS);
    expect(await worker.runOnce()).toMatchObject({ sent: 2 });
    expect(h.sim.accepted).toHaveLength(2);
  });

  it.each([4, 17, 613, 80004] as ThrottleCode[])("backs off on throttling code %i and then delivers", async (code) => {
    await enqueuePurchases(h, 3);
    h.sim.injectFailures({ kind: "throttle", throttleCode: code, count: 2 });
    const worker = h.worker({ random: () => 0.9 });

    expect(await worker.runOnce()).toMatchObject({ retried: 3 });
    const afterFirst = (await rowsOf(h))[0]?.nextAttemptAt ?? 0;
    expect((await rowsOf(h))[0]?.statusReason).toContain(`Meta error ${code}`);
    h.clock.advance(WAIT_FOR_RETRY_MS);
    const before = h.clock.now();
    expect(await worker.runOnce()).toMatchObject({ retried: 3 });
    const afterSecond = (await rowsOf(h))[0]?.nextAttemptAt ?? 0;
    // The second wait is longer (same jitter draw, doubled ceiling).
    expect(afterSecond - before).toBeGreaterThan(afterFirst - (before - WAIT_FOR_RETRY_MS));

    h.clock.advance(WAIT_FOR_RETRY_MS);
    expect(await worker.runOnce()).toMatchObject({ sent: 3 });
    expect(h.sim.doubleCounted()).toEqual([]);
  });

  it("gives up, dead 'too old', when the next retry would land past Meta's 7-day window", async () => {
    // GIVEN an event 6 days 23.5 h old: still sendable now, but inside the last hour, where no retry is scheduled
    await enqueuePurchases(h, 1, { ageS: 7 * 24 * 3600 - 1800 });
    h.sim.injectFailures({ kind: "http500", count: 1 });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ dead: 1, retried: 0, requests: 1 });
    const [row] = await rowsOf(h);
    expect(row?.status).toBe("dead");
    expect(row?.statusReason).toMatch(/^too old: gave up retrying/);
    expect(row?.fbtraceId).toEqual(expect.any(String));
  });

  it("keeps other shops flowing while one shop's pixel is failing", async () => {
    await configureShop(h, "other-shop.myshopify.com", ["222222222222222"], "EAAB-test-token-shop-b");
    await enqueuePurchases(h, 2);
    await enqueuePurchases(h, 2, { shop: "other-shop.myshopify.com", pixelId: "222222222222222" });
    h.sim.injectFailures({ kind: "http500", count: 10, pixelId: "111111111111111" });

    const summary = await h.worker().runOnce();

    expect(summary).toMatchObject({ claimed: 4, sent: 2, retried: 2 });
    expect((await h.outbox.countByStatus(SHOP)).retrying).toBe(2);
    expect((await h.outbox.countByStatus("other-shop.myshopify.com")).sent).toBe(2);
  });
});
