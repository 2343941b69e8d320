import { Worker } from "node:worker_threads";

// WAL checkpoints off the event loop. node:sqlite is synchronous: with SQLite's automatic checkpoint, every
// ~1,000th commit copies the WAL into the database file and fsyncs it inside that commit, on the thread that
// answers Shopify — a stall at 1,000 webhooks/s (measured in docs/decisions/0009-wal-checkpoints-off-the-event-loop.md).
// Here the process's own connection never checkpoints (wal_autocheckpoint=0) and a worker thread with a second
// connection runs PASSIVE checkpoints on a timer. PASSIVE never waits for, nor blocks, a reader or a writer:
// commits keep appending to the WAL while the copy runs, and SQLite restarts the WAL from its start once a
// checkpoint has caught up.

export type WalCheckpointer = {
  /** Checkpoints once more, then ends the thread. */
  stop(): Promise<void>;
};

export type CheckpointerOptions = {
  intervalMs?: number;
  /** Called when the thread fails; the caller turns automatic checkpoints back on so the WAL cannot grow unbounded. */
  onFailure(error: Error): void;
};

// Plain CommonJS run by the worker thread (eval), so it needs no separate build entry in either bundle.
const THREAD_SOURCE = `
const { DatabaseSync } = require("node:sqlite");
const { parentPort, workerData } = require("node:worker_threads");
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 0");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
function run() {
  try {
    checkpoint.get();
  } catch (error) {
    // Another connection holding a lock is a normal moment to skip; anything else ends the thread.
    if (!/busy|locked/i.test(String(error && error.message))) throw error;
  }
}
const timer = setInterval(run, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

export function startWalCheckpointer(path: string, options: CheckpointerOptions): WalCheckpointer {
  const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { path, intervalMs: options.intervalMs ?? 25 } });
  // The thread must never keep a finished process (a test, a CLI command) alive.
  thread.unref();
  let stopped = false;
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  thread.on("error", (error) => {
    if (!stopped) options.onFailure(error);
  });
  return {
    async stop() {
      if (stopped) return exited;
      stopped = true;
      // Referenced again while it finishes, or a script awaiting close() could end before the thread does.
      thread.ref();
      thread.postMessage("stop");
      await exited;
    },
  };
}
