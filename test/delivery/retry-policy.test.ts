import fc from "fast-check";
import { META_EVENT_WINDOW_MS } from "../../app/destinations/meta/event-window";
import { describe, expect, it } from "vitest";
import {
  backoffCeilingMs,
  isTooOld,
  nextAttemptAt,
  RETRY_SAFETY_MARGIN_MS,
} from "../../app/delivery/retry-policy";

const NOW = 1_800_000_000_000;
const FRESH_EVENT_S = NOW / 1000 - 60;
const HOUR = 3_600_000;

function retryAt(decision: ReturnType<typeof nextAttemptAt>): number {
  if (!("retryAt" in decision)) throw new Error(`expected a retry, got ${JSON.stringify(decision)}`);
  return decision.retryAt;
}

describe("nextAttemptAt", () => {
  it("doubles the upper bound each attempt until the cap", () => {
    const upper = (attempt: number) =>
      retryAt(nextAttemptAt({ attempt, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => 0.999999 })) - NOW;
    expect(upper(1)).toBeCloseTo(30_000, -1);
    expect(upper(2)).toBeCloseTo(60_000, -1);
    expect(upper(3)).toBeCloseTo(120_000, -1);
    expect(upper(8)).toBeCloseTo(3_600_000, -2);
    expect(upper(30)).toBeCloseTo(3_600_000, -2);
  });

  it("keeps every delay within [floor, ceiling] (full jitter)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = retryAt(nextAttemptAt({ attempt, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => r })) - NOW;
        const ceiling = backoffCeilingMs(attempt, 30_000, 3_600_000);
        expect(delay).toBeGreaterThanOrEqual(1_000);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it("spreads retries across the interval instead of synchronising them", () => {
    const a = retryAt(nextAttemptAt({ attempt: 5, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => 0.1 }));
    const b = retryAt(nextAttemptAt({ attempt: 5, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => 0.9 }));
    expect(b - a).toBeGreaterThan(300_000);
  });

  it("grows on average with the attempt number", () => {
    const mean = (attempt: number) => {
      let total = 0;
      for (let i = 0; i < 200; i += 1) {
        total += retryAt(nextAttemptAt({ attempt, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => i / 200 })) - NOW;
      }
      return total / 200;
    };
    expect(mean(2)).toBeGreaterThan(mean(1));
    expect(mean(4)).toBeGreaterThan(mean(2));
    expect(mean(6)).toBeGreaterThan(mean(4));
  });

  it("honours small bases and caps (used by fast tests)", () => {
    const delay = retryAt(nextAttemptAt({ attempt: 10, nowMs: NOW, eventTimeS: FRESH_EVENT_S, random: () => 0.5, baseMs: 5, capMs: 40 })) - NOW;
    expect(delay).toBeGreaterThanOrEqual(5);
    expect(delay).toBeLessThanOrEqual(40);
  });

  it("takes one last chance just before the 7-day window closes", () => {
    // GIVEN an event whose window (minus the safety margin) closes in 10 minutes
    const deadline = NOW + 10 * 60_000;
    const eventTimeS = (deadline + RETRY_SAFETY_MARGIN_MS - META_EVENT_WINDOW_MS) / 1000;
    // WHEN the backoff would land an hour later
    const decision = nextAttemptAt({ attempt: 20, nowMs: NOW, eventTimeS, random: () => 0.99 });
    // THEN the retry is pulled in to the deadline
    expect(decision).toEqual({ retryAt: deadline });
  });

  it("gives up once even the deadline is past", () => {
    const eventTimeS = (NOW + RETRY_SAFETY_MARGIN_MS - META_EVENT_WINDOW_MS) / 1000 - 1;
    expect(nextAttemptAt({ attempt: 1, nowMs: NOW, eventTimeS, random: () => 0.5 })).toEqual({ giveUp: "too_old" });
  });
});

describe("isTooOld", () => {
  it("is false for an event inside the window and true just past it (minus the send margin)", () => {
    const sixDays = NOW / 1000 - 6 * 24 * 3600;
    const eightDays = NOW / 1000 - 8 * 24 * 3600;
    expect(isTooOld(sixDays, NOW)).toBe(false);
    expect(isTooOld(eightDays, NOW)).toBe(true);
    const almost = (NOW - META_EVENT_WINDOW_MS) / 1000 + 60; // 1 min left: inside the 5-min margin
    expect(isTooOld(almost, NOW)).toBe(true);
    expect(isTooOld((NOW - META_EVENT_WINDOW_MS + HOUR) / 1000, NOW)).toBe(false);
  });
});
