import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { MODES, PIXEL, startFaultApp, type FaultApp } from "./fault-app";

let app: FaultApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.each(MODES)("Meta outage, then recovery (%s mode)", (mode) => {
  it("delivers every event exactly once and dead-letters none after 5xx, timeouts and throttling", async () => {
    app = await startFaultApp(mode);
    const { sim } = app;
    // GIVEN Meta fails every request for a while: server errors, a hung request, throttling codes
    const until = Date.now() + 1_500;
    sim.injectFailures({ kind: "http503", count: 2 });
    sim.injectFailures({ kind: "timeout", count: 1, holdMs: 1_500 });
    sim.injectFailures({ kind: "throttle", throttleCode: 17, count: 1 });
    sim.injectFailures({ kind: "throttle", throttleCode: 613, count: 1 });
    sim.injectFailures({ kind: "http500", untilMs: until });
    await app.ingest(0, 120);
    await app.startWorkers();

    // WHEN it recovers THEN everything is sent, once
    await waitFor(async () => (await app!.statusCounts()).sent === 120, 15_000, "all 120 sent");
    expect(await app.statusCounts()).toEqual({ sent: 120 });
    expect(sim.accepted).toHaveLength(120);
    expect(sim.duplicateDeliveries()).toEqual([]);
    expect(sim.doubleCounted()).toEqual([]);
    expect(sim.countsBy(PIXEL).keys).toBe(120);
    // The faults really happened: some requests failed before the successes.
    expect(sim.requests.filter((r) => r.status >= 400).length).toBeGreaterThanOrEqual(4);
  });
});
