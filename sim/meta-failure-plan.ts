import type { ThrottleCode } from "./graph-error";

export type FailureKind = "http500" | "http503" | "timeout" | "throttle" | "invalidToken";

export type FailureInjection = {
  kind: FailureKind;
  // How many requests fail. Defaults to 1, or to "every request" when only untilMs is given.
  count?: number;
  // Clock time (simulator clock, ms) after which the injection stops.
  untilMs?: number;
  // Only requests for this pixel fail (default: any pixel).
  pixelId?: string;
  // kind 'throttle': which Graph throttling code to answer with (default 4).
  throttleCode?: ThrottleCode;
  // kind 'timeout': how long to hold the request before destroying the socket (default 15 s, longer than the app client's 10 s default).
  holdMs?: number;
};

type Pending = FailureInjection & { remaining: number };

export type FailurePlan = {
  add(injection: FailureInjection): void;
  take(pixelId: string): FailureInjection | null;
  clear(): void;
};

export function createFailurePlan(now: () => number): FailurePlan {
  let queue: Pending[] = [];
  return {
    add(injection) {
      const remaining = injection.count ?? (injection.untilMs === undefined ? 1 : Number.POSITIVE_INFINITY);
      queue.push({ ...injection, remaining });
    },
    take(pixelId) {
      const at = now();
      queue = queue.filter((item) => item.remaining > 0 && (item.untilMs === undefined || at < item.untilMs));
      const match = queue.find((item) => item.pixelId === undefined || item.pixelId === pixelId);
      if (match === undefined) return null;
      match.remaining -= 1;
      return match;
    },
    clear() {
      queue = [];
    },
  };
}
