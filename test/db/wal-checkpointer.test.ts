import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { startWalCheckpointer } from "../../app/db/wal-checkpointer.server";

// The process's SQLite connection never checkpoints inside a commit; a thread does it (wal-checkpointer.server.ts).

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe("WAL checkpoints on a thread", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function tempPath(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "tandem-wal-"));
    dirs.push(dir);
    return join(dir, "app.sqlite");
  }

  it("leaves the connection only a late backstop checkpoint, and the thread copies committed pages into the database file", async () => {
    const path = await tempPath();
    const database = await openDatabase(`file:${path}`);
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] ?? {})[0];
      expect(await pragma("wal_autocheckpoint")).toBe(8000);
      const before = (await stat(path)).size;
      // ~4 MB in many small commits, as webhooks write: past the 1,000-page point where SQLite would by default
      // checkpoint inside one of these commits, short of the connection's 8,000-page backstop.
      const blob = "x".repeat(4000);
      for (let i = 0; i < 1000; i += 1) {
        await sql`insert into webhook_receipts (shop, topic, webhook_id, received_at) values (${"wal.myshopify.com"}, ${"orders/paid"}, ${`${i}-${blob}`}, ${i})`.execute(database.db);
      }
      // Only the thread can have moved those pages from the WAL into the main file.
      expect(await until(async () => (await stat(path)).size > before + 3_000_000, 5_000)).toBe(true);
      const rows = await sql<{ n: number }>`select count(*) as n from webhook_receipts`.execute(database.db);
      expect(rows.rows[0]?.n).toBe(1000);
    } finally {
      await database.close();
    }
  });

  it("keeps the WAL bounded under commits that never pause: the backstop lets it start over", async () => {
    const path = await tempPath();
    const database = await openDatabase(`file:${path}`);
    try {
      // ~48 MB of commits, back to back: a thread alone never catches up with them, and the WAL would hold it all.
      const blob = "y".repeat(4000);
      for (let i = 0; i < 12_000; i += 1) {
        await sql`insert into webhook_receipts (shop, topic, webhook_id, received_at) values (${"wal.myshopify.com"}, ${"orders/paid"}, ${`${i}-${blob}`}, ${i})`.execute(database.db);
      }
      // The backstop fires at 8,000 pages (~33 MB). A busy machine can overshoot while the thread holds the
      // checkpoint lock; without the backstop this same loop leaves a WAL many times larger (docs/decisions/0009).
      expect((await stat(`${path}-wal`)).size).toBeLessThan(80_000_000);
      expect((await stat(path)).size).toBeGreaterThan(40_000_000);
    } finally {
      await database.close();
    }
  });

  it("close() waits for the thread's last checkpoint and leaves the file whole for the next open", async () => {
    const path = await tempPath();
    const first = await openDatabase(`file:${path}`);
    await sql`insert into webhook_receipts (shop, topic, webhook_id, received_at) values ('a.myshopify.com', 'orders/paid', 'w1', 1)`.execute(first.db);
    await first.close();
    const second = await openDatabase(`file:${path}`);
    try {
      const rows = await sql<{ webhook_id: string }>`select webhook_id from webhook_receipts`.execute(second.db);
      expect(rows.rows.map((r) => r.webhook_id)).toEqual(["w1"]);
    } finally {
      await second.close();
    }
  });

  it("reports a thread that cannot run, so the caller can checkpoint inline again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-wal-"));
    dirs.push(dir);
    const failure = await new Promise<Error>((resolve) => {
      // A directory is not a database: the thread fails on open.
      startWalCheckpointer(dir, { onFailure: resolve });
    });
    expect(failure.message).toMatch(/database|open/i);
  });
});
