import { Worker } from "node:worker_threads";

// Another connection holding a SQLite file's write lock, as another process can (a CLI redrive, a backup). The
// app's writes then wait for it on timers (docs/decisions/0020), so whatever is writing stays in flight — a real
// way to hold webhooks or collector requests open in a test.

const HOLDER = `
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("BEGIN IMMEDIATE");
parentPort.postMessage("locked");
parentPort.once("message", () => { db.exec("ROLLBACK"); db.close(); parentPort.postMessage("released"); });
`;

export type WriteLock = { release(): Promise<void> };

/** Takes the database file's write lock from a thread of its own; held until release(). */
export function holdWriteLock(path: string): Promise<WriteLock> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { path } });
  let released: Promise<void> | null = null;
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", () =>
      resolve({
        // Once, however often it is called: a test releases mid-way and again in its `finally`.
        release: () =>
          (released ??= new Promise<void>((done) => {
            worker.once("message", () => void worker.terminate().then(() => done()));
            worker.postMessage("release");
          })),
      }),
    );
  });
}
