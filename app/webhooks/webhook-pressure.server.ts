// How many webhook deliveries this process is working on right now (verified, not yet answered). The
// inline delivery worker reads it to step aside while webhooks queue up: acknowledging Shopify within its
// 5 s limit is the one deadline that cannot slip (a late answer is a failed delivery, retried, and after 19
// failures the subscription is removed), while a Meta send may lag by seconds within a 7-day window.

let inFlight = 0;
/** In flight at or above this many, the web process counts as busy with webhooks. */
export const BUSY_WITH_WEBHOOKS = 12;

export async function countingWebhook<T>(work: () => Promise<T>): Promise<T> {
  inFlight += 1;
  try {
    return await work();
  } finally {
    inFlight -= 1;
  }
}

export function webhooksInFlight(): number {
  return inFlight;
}

export function busyWithWebhooks(): boolean {
  return inFlight >= BUSY_WITH_WEBHOOKS;
}
