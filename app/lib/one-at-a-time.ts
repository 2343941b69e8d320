// A periodic pass that can outlast its interval (a purge on a big table, a backlog trim over many shops) must
// not pile up behind itself: a call while one run is in flight gets that run's promise instead of a second run.

export type OneAtATime<T> = {
  /** Starts a run, or joins the one in flight. */
  run: () => Promise<T>;
  /** Resolves when the run in flight (if any) has ended: what a stop waits for. */
  settled: () => Promise<unknown>;
};

export function oneAtATime<T>(start: () => Promise<T>): OneAtATime<T> {
  let running: Promise<T> | null = null;
  return {
    run: () =>
      (running ??= start().finally(() => {
        running = null;
      })),
    settled: () => running ?? Promise.resolve(),
  };
}
