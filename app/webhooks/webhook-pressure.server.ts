// How many webhook deliveries this process is working on right now (verified, not yet answered). The
// inline delivery worker reads it to step aside while webhooks queue up: acknowledging Shopify within its
// 5 s limit is the one deadline that cannot slip (a late answer is a failed delivery, retried, and after 19
// failures the subscription is removed), while a Meta send may lag by seconds within a 7-day window.
//
// The count lives in shared memory so the delivery thread (app/delivery/thread/) reads the same number
// without a message per webhook.

const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
const inFlight = new Int32Array(shared);

/** In flight at or above this many, the web process counts as busy with webhooks. */
export const BUSY_WITH_WEBHOOKS = 12;

export async function countingWebhook<T>(work: () => Promise<T>): Promise<T> {
  Atomics.add(inFlight, 0, 1);
  try {
    return await work();
  } finally {
    Atomics.sub(inFlight, 0, 1);
  }
}

export function webhooksInFlight(): number {
  return Atomics.load(inFlight, 0);
}

export function busyWithWebhooks(): boolean {
  return webhooksInFlight() >= BUSY_WITH_WEBHOOKS;
}

/** The memory behind the count, for a thread that reads it with readWebhookPressure. */
export function webhookPressureBuffer(): SharedArrayBuffer {
  return shared;
}

/** "Busy with webhooks", read from another thread through the buffer above. */
export function readWebhookPressure(buffer: SharedArrayBuffer, threshold = BUSY_WITH_WEBHOOKS): () => boolean {
  const view = new Int32Array(buffer);
  return () => Atomics.load(view, 0) >= threshold;
}
