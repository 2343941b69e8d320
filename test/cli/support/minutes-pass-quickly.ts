// Loaded into a child process with `--import` (after tsx): every timer set for a minute or more fires after
// 20 ms instead. A CLI command can run for minutes in production (a redrive waiting on Meta, secrets:reencrypt
// over a large database); this lets a test see in a second what such a run would start once a minute had
// passed — an alert check's first run, a retention pass, a worker's idle poll. Shorter timers (request
// timeouts, busy waits, retries) keep their delays, and Node's own modules (fetch, sockets) use timers of
// their own, which this does not touch.

const LONG_MS = 60_000;
const SOON_MS = 20;

const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;

function shortened(ms: number | undefined): number | undefined {
  return ms !== undefined && ms >= LONG_MS ? SOON_MS : ms;
}

function quickTimeout(handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
  return realSetTimeout(handler, shortened(ms), ...args);
}

function quickInterval(handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
  return realSetInterval(handler, shortened(ms), ...args);
}

globalThis.setTimeout = quickTimeout as unknown as typeof setTimeout;
globalThis.setInterval = quickInterval as unknown as typeof setInterval;
