import type { LoadResult } from "./load-protocol";

// The two ways the bench loads a server, shared by its load generators: an open loop fires on a schedule
// whatever the server does (a stall shows as latency), a closed loop keeps N requests in flight (throughput).
// `post(index)` sends prepared request `index` and answers whether the server accepted it.

export type Post = (index: number, sentAt: Array<[string, number]>) => Promise<boolean>;

export async function openLoop(post: Post, ratePerSec: number, durationMs: number, maxCount: number): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, elapsedMs: 0, latenciesMs: [], sentAt: [] };
  const count = Math.min(maxCount, Math.floor((ratePerSec * durationMs) / 1000));
  const intervalMs = 1000 / ratePerSec;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((resolve) => {
    function tick() {
      const now = performance.now();
      // Fire everything whose slot has come, timed from the slot: a stalled server shows as latency.
      while (next < count && start + next * intervalMs <= now) {
        const scheduled = start + next * intervalMs;
        const index = next;
        next += 1;
        result.sent += 1;
        inFlight.push(
          post(index, result.sentAt).then((ok) => {
            result.latenciesMs.push(performance.now() - scheduled);
            if (ok) result.ok += 1;
            else result.failed += 1;
          }),
        );
      }
      if (next >= count) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    }
    tick();
  });
  await Promise.all(inFlight);
  result.elapsedMs = performance.now() - start;
  return result;
}

export async function closedLoop(post: Post, concurrency: number, durationMs: number, maxCount: number): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, elapsedMs: 0, latenciesMs: [], sentAt: [] };
  const start = performance.now();
  const deadline = start + durationMs;
  let next = 0;
  async function lane() {
    while (performance.now() < deadline && next < maxCount) {
      const index = next;
      next += 1;
      result.sent += 1;
      const began = performance.now();
      const ok = await post(index, result.sentAt);
      result.latenciesMs.push(performance.now() - began);
      if (ok) result.ok += 1;
      else result.failed += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  result.elapsedMs = performance.now() - start;
  return result;
}
