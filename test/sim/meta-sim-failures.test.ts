import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import {
  createClock, errorOf, OTHER_PIXEL, OTHER_TOKEN, postEvents, START_MS, startTestSimulator, TOKEN, validPurchase,
} from "./sim-fixtures";

const clock = createClock();
let sim: MetaSimulator;
beforeAll(async () => { sim = await startTestSimulator(clock); });
afterAll(() => sim.close());
beforeEach(() => { clock.ms = START_MS; sim.reset(); });

const body = () => ({ data: [validPurchase(START_MS)], access_token: TOKEN });

describe("failure injection", () => {
  it("answers one HTTP 500 with a transient Graph error, then recovers", async () => {
    sim.injectFailures({ kind: "http500" });
    const first = await postEvents(sim, body());
    expect(first.status).toBe(500);
    expect(errorOf(first)).toMatchObject({ code: 1, is_transient: true });
    expect(sim.accepted).toHaveLength(0);
    expect((await postEvents(sim, body())).status).toBe(200);
    expect(sim.accepted).toHaveLength(1);
  });

  it("answers HTTP 503 with a non-JSON body, as a load balancer does", async () => {
    sim.injectFailures({ kind: "http503", count: 2 });
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(`${sim.url}/v26.0/1234567890123/events`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body()),
      });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("Service Unavailable");
    }
    expect((await postEvents(sim, body())).status).toBe(200);
  });

  it.each([4, 17, 613, 80004] as const)("throttles with code %i marked transient", async (throttleCode) => {
    sim.injectFailures({ kind: "throttle", throttleCode });
    const answer = await postEvents(sim, body());
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: throttleCode, is_transient: true });
    expect(sim.accepted).toHaveLength(0);
  });

  it("answers 190 for an injected invalid token even though the token is right", async () => {
    sim.injectFailures({ kind: "invalidToken" });
    expect(errorOf(await postEvents(sim, body()))).toMatchObject({ code: 190, is_transient: false });
  });

  it("fails every request until the clock passes untilMs", async () => {
    sim.injectFailures({ kind: "http500", untilMs: START_MS + 60_000 });
    expect((await postEvents(sim, body())).status).toBe(500);
    expect((await postEvents(sim, body())).status).toBe(500);
    clock.ms = START_MS + 60_000;
    expect((await postEvents(sim, body())).status).toBe(200);
  });

  it("limits an injection to one pixel when asked", async () => {
    sim.injectFailures({ kind: "http500", pixelId: OTHER_PIXEL });
    expect((await postEvents(sim, body())).status).toBe(200);
    const other = await postEvents(sim, { data: [validPurchase(START_MS)], access_token: OTHER_TOKEN }, { pixelId: OTHER_PIXEL });
    expect(other.status).toBe(500);
  });

  it("holds the request past a client timeout without accepting the events", async () => {
    sim.injectFailures({ kind: "timeout", holdMs: 2_000 });
    const started = Date.now();
    await expect(postEvents(sim, body(), { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.accepted).toHaveLength(0);
    expect(sim.requests[0]).toMatchObject({ failure: "timeout", status: -1 });
  });

  it("drops the connection after holding when the client waits longer", async () => {
    sim.injectFailures({ kind: "timeout", holdMs: 150 });
    await expect(postEvents(sim, body())).rejects.toThrow();
    expect((await postEvents(sim, body())).status).toBe(200);
  });

  it("clearFailures cancels pending injections", async () => {
    sim.injectFailures({ kind: "http500", count: 5 });
    sim.clearFailures();
    expect((await postEvents(sim, body())).status).toBe(200);
  });
});

describe("latency", () => {
  it("delays every answer by the configured time", async () => {
    sim.setLatency(250);
    const started = performance.now();
    expect((await postEvents(sim, body())).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    sim.setLatency(0);
    const fast = performance.now();
    await postEvents(sim, body());
    expect(performance.now() - fast).toBeLessThan(200);
  });
});
