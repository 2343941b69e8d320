import { describe, expect, it } from "vitest";
import { oneAtATime } from "../../app/lib/one-at-a-time";

describe("oneAtATime", () => {
  it("joins a call made while a run is in flight instead of starting a second run", async () => {
    // GIVEN a pass that stays in flight until released
    let starts = 0;
    let release = (_value: number) => {};
    const pass = oneAtATime(
      () =>
        new Promise<number>((resolve) => {
          starts += 1;
          release = resolve;
        }),
    );
    // WHEN it is called twice before the first run ends
    const first = pass.run();
    const second = pass.run();
    release(7);
    // THEN both calls get the one run's result
    expect(await first).toBe(7);
    expect(await second).toBe(7);
    expect(starts).toBe(1);
  });

  it("starts a new run once the previous one has ended, even a failed one", async () => {
    let starts = 0;
    const pass = oneAtATime(async () => {
      starts += 1;
      if (starts === 1) throw new Error("first run fails");
      return starts;
    });
    await expect(pass.run()).rejects.toThrow("first run fails");
    expect(await pass.run()).toBe(2);
  });

  it("settles when the run in flight ends, and at once when none is", async () => {
    let release = () => {};
    const pass = oneAtATime(() => new Promise<void>((resolve) => (release = resolve)));
    await pass.settled();
    void pass.run();
    let settled = false;
    const waiting = pass.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(settled).toBe(true);
  });
});
