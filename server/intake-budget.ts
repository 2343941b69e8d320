// A process-wide budget for webhook body bytes in flight (docs/decisions/0019). Every body the webhook lane
// reads is reserved here first, at its declared Content-Length (a body without one is reserved at the size
// limit); a request that does not fit is answered 503 + `Connection: close` before a byte of it is read, and
// Shopify retries it later. Bodies above `largeBodyBytes` draw on a smaller share of the budget, so a flood of
// forged multi-megabyte bodies cannot take the room a real ~6 KB order needs.

export type IntakeBudgetLimits = {
  /** All reserved body bytes together stay at or under this. */
  totalBytes: number;
  /** A body larger than this is a large one. */
  largeBodyBytes: number;
  /** Large bodies together stay at or under this (part of totalBytes). */
  largeShareBytes: number;
};

export const DEFAULT_INTAKE_BUDGET: IntakeBudgetLimits = {
  totalBytes: 32 * 1024 * 1024,
  largeBodyBytes: 256 * 1024,
  largeShareBytes: 12 * 1024 * 1024,
};

/** Bytes held by one request; release() gives them back, once, however often it is called. */
export type Reservation = { bytes: number; release(): void };

export type IntakeBudget = {
  reserve(bytes: number): Reservation | null;
  inUse(): { total: number; large: number };
  limits: IntakeBudgetLimits;
};

export function createIntakeBudget(limits: IntakeBudgetLimits = DEFAULT_INTAKE_BUDGET): IntakeBudget {
  let total = 0;
  let large = 0;
  return {
    limits,
    inUse: () => ({ total, large }),
    reserve(bytes) {
      const isLarge = bytes > limits.largeBodyBytes;
      if (total + bytes > limits.totalBytes) return null;
      if (isLarge && large + bytes > limits.largeShareBytes) return null;
      total += bytes;
      if (isLarge) large += bytes;
      let held = true;
      return {
        bytes,
        release() {
          if (!held) return;
          held = false;
          total -= bytes;
          if (isLarge) large -= bytes;
        },
      };
    },
  };
}
