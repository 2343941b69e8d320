// Waiting in tests: poll a condition with a deadline that names what never happened, instead of a fixed sleep
// that is too short on a loaded machine and too long on a quiet one.

const POLL_MS = 20;

/** Polls a condition (sync or async) until it holds, or fails the test with what it was waiting for. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** A fixed pause, for proving that something does NOT happen within a time (or for letting a timer pass). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
