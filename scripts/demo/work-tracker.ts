import { setImmediate as nextMacrotask } from "node:timers/promises";

// The pixel's handlers are fire-and-forget (Shopify never awaits them), so the demo cannot await an event.
// Everything the pixel waits on outside its own microtasks goes through this tracker instead: hashing
// (crypto.subtle) and the network. When nothing tracked is pending and the microtask queue has drained, the
// pixel has finished with the event: that is a deterministic "done", not a guess at how long it takes.

export type WorkTracker = {
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once nothing tracked is pending and every continuation of it has run. */
  idle(): Promise<void>;
};

const ignore = () => undefined;

export function createWorkTracker(): WorkTracker {
  const pending = new Set<Promise<void>>();
  return {
    track(work) {
      // `done` never rejects: a failed request is the caller's to handle, not an unhandled rejection here.
      const done: Promise<void> = work.then(ignore, ignore).then(() => void pending.delete(done));
      pending.add(done);
      return work;
    },
    async idle() {
      for (;;) {
        // A macrotask runs only after every queued microtask: the pixel's continuations have started their next step.
        await nextMacrotask();
        if (pending.size === 0) return;
        await Promise.all([...pending]);
      }
    },
  };
}
