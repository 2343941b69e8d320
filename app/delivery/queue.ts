// How new outbox rows reach a worker. The row in the database is always the truth; a queue only says
// "look now". Embedded mode nudges the in-process worker; scale mode (BullMQ) enqueues one job per
// shop, and a worker claims whatever is due, so duplicate jobs are harmless.
export type DeliveryQueue = {
  /** New or newly due rows for this shop: a worker should look now (the rows themselves say which). */
  notify(shop: string): Promise<void>;
  close(): Promise<void>;
  // Health checks: rejects when the backend cannot take work (e.g. Redis unreachable). Embedded mode has
  // nothing to reach.
  ping?(): Promise<void>;
};

export type Wakeable = { wake(): void };

export function createEmbeddedQueue(worker: Wakeable): DeliveryQueue {
  let closed = false;
  return {
    async notify() {
      if (!closed) worker.wake();
    },
    async close() {
      closed = true;
    },
    // The embedded queue lives in this process: if this code runs, it is up, unless it was closed.
    async ping() {
      if (closed) throw new Error("delivery queue is closed");
    },
  };
}
