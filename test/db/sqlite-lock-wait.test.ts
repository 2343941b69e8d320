import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../app/db/connection.server";
import { BUSY_WAIT_BUDGET_MS } from "../../app/db/sqlite-busy.server";
import { withWriteTransaction } from "../../app/db/write-transaction.server";

// Another connection (a thread here; another process in the finding) holds SQLite's write lock. A write on
// the app's connection must wait for it without blocking the event loop: timers and I/O go on while it waits
// (statements on the same connection queue behind it, as they always did), and the write lands once the lock
// is free.

const HOLDER = `
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("BEGIN IMMEDIATE");
db.exec("INSERT INTO webhook_receipts (shop, topic, webhook_id, received_at) VALUES ('holder.myshopify.com', 't', 'h', 1)");
parentPort.postMessage("locked");
parentPort.once("message", () => { db.exec("COMMIT"); db.close(); parentPort.postMessage("released"); });
`;

let dir = "";
let database: Database | null = null;
afterEach(async () => {
  await database?.close();
  database = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

function holdLock(path: string): Promise<{ release(): Promise<void> }> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { path } });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", () =>
      resolve({
        release: () =>
          new Promise<void>((done) => {
            worker.once("message", () => void worker.terminate().then(() => done()));
            worker.postMessage("release");
          }),
      }),
    );
  });
}

describe("SQLite lock waits (decision 0020)", () => {
  it("a write waiting for another connection's lock leaves the event loop free, then commits", async () => {
    dir = await mkdtemp(join(tmpdir(), "tandem-lock-"));
    const path = join(dir, "app.sqlite");
    database = await openDatabase(`file:${path}`);
    const db = database;
    // GIVEN another connection holds the write lock
    const holder = await holdLock(path);

    // WHEN the app writes (the webhook path's transaction) and, meanwhile, answers other work
    let committed = false;
    const write = withWriteTransaction(db, async (tx) => {
      await tx.insertInto("webhook_receipts").values({ shop: "a.myshopify.com", topic: "orders/paid", webhook_id: "w1", received_at: 2 }).execute();
    }).then(() => {
      committed = true;
    });
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clearInterval(ticker);

    // THEN timers ran while the write waited (a synchronous busy wait would have held them until it gave up)
    // (20 intervals fit in the 200 ms; a loop blocked by the wait would have fired the interval once, late.)
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(committed).toBe(false);
    expect(db.busyWaits?.waits).toBeGreaterThanOrEqual(1);

    // WHEN the lock is released THEN the write lands
    await holder.release();
    await write;
    expect(committed).toBe(true);
    const rows = await db.db.selectFrom("webhook_receipts").select("webhook_id").orderBy("webhook_id").execute();
    expect(rows.map((row) => row.webhook_id)).toEqual(["h", "w1"]);
  });

  it("gives up with SQLITE_BUSY once the wait budget is spent, without having blocked the loop", async () => {
    dir = await mkdtemp(join(tmpdir(), "tandem-lock-"));
    const path = join(dir, "app.sqlite");
    database = await openDatabase(`file:${path}`);
    const holder = await holdLock(path);
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 100);
    try {
      await expect(
        database.db.insertInto("webhook_receipts").values({ shop: "a.myshopify.com", topic: "t", webhook_id: "w2", received_at: 3 }).execute(),
      ).rejects.toMatchObject({ errcode: 5 });
      // The timer kept firing during the whole wait: the budget is seconds, the ticks every 100 ms.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor(BUSY_WAIT_BUDGET_MS / 100 / 2));
    } finally {
      clearInterval(ticker);
      await holder.release();
    }
  });
});
