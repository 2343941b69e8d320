// When to try a failed delivery again. Pure: the caller passes the clock and the random source.
import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";

// A retry scheduled right at the edge could arrive after it (queueing, clock skew, a slow batch ahead of it).
export const RETRY_SAFETY_MARGIN_MS = 60 * 60 * 1000;
// Before a send the margin only has to cover clock skew and the request's own latency.
export const SEND_SAFETY_MARGIN_MS = 5 * 60 * 1000;
export const DEFAULT_RETRY_BASE_MS = 30_000;
export const DEFAULT_RETRY_CAP_MS = 60 * 60 * 1000;

export type RetryInput = {
  attempt: number; // 1 for the first failure
  nowMs: number;
  eventTimeS: number;
  random: () => number; // [0, 1)
  baseMs?: number;
  capMs?: number;
  marginMs?: number;
};

export type RetryDecision = { retryAt: number } | { giveUp: "too_old" };

// Exponential backoff with full jitter (delay uniform in [floor, min(cap, base·2^(attempt-1))]), so workers
// that failed together during a Meta outage do not all come back at the same moment. The floor keeps a
// retry from landing in the same millisecond as the failure.
export function nextAttemptAt(input: RetryInput): RetryDecision {
  const baseMs = input.baseMs ?? DEFAULT_RETRY_BASE_MS;
  const capMs = input.capMs ?? DEFAULT_RETRY_CAP_MS;
  const marginMs = input.marginMs ?? RETRY_SAFETY_MARGIN_MS;
  const ceiling = backoffCeilingMs(input.attempt, baseMs, capMs);
  const floor = Math.min(baseMs, 1_000, ceiling);
  const delay = Math.max(floor, Math.floor(clampUnit(input.random()) * ceiling));
  const retryAt = input.nowMs + delay;

  // Rather than give up as soon as the full delay overshoots the window, take one last chance just before
  // the deadline; give up only when even that is no longer in the future.
  const deadline = input.eventTimeS * 1000 + META_EVENT_WINDOW_MS - marginMs;
  if (retryAt <= deadline) return { retryAt };
  if (deadline > input.nowMs + floor) return { retryAt: deadline };
  return { giveUp: "too_old" };
}

export function backoffCeilingMs(attempt: number, baseMs: number, capMs: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 40));
  return Math.min(capMs, baseMs * 2 ** exponent);
}

// True when Meta would reject the event for its age (100/2804003), which would also fail its whole batch.
export function isTooOld(eventTimeS: number, nowMs: number, marginMs = SEND_SAFETY_MARGIN_MS): boolean {
  return nowMs > eventTimeS * 1000 + META_EVENT_WINDOW_MS - marginMs;
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
