import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { engineForUrl, openDatabase } from "../../app/db/connection.server";

describe("openDatabase (SQLite)", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("creates parent directories, migrates, and sets WAL, foreign keys, secure_delete, and no in-SQLite lock wait", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-conn-"));
    dirs.push(dir);
    const path = join(dir, "nested", "deeper", "app.sqlite");
    const database = await openDatabase(`file:${path}`);
    try {
      expect((await stat(path)).isFile()).toBe(true);
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] ?? {})[0];
      expect(await pragma("journal_mode")).toBe("wal");
      // Lock waits happen on timers (sqlite-busy.server.ts), never inside SQLite on the event loop.
      expect(await pragma("busy_timeout")).toBe(0);
      expect(await pragma("secure_delete")).toBe(1);
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("synchronous")).toBe(1);
      const tables = await database.db.introspection.getTables();
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(["sessions", "shops", "webhook_receipts", "deliveries"]),
      );
    } finally {
      await database.close();
    }
  });

  it("opens an in-memory database", async () => {
    const database = await openDatabase("file::memory:");
    try {
      expect(database.engine).toBe("sqlite");
      await expect(database.db.selectFrom("shops").selectAll().execute()).resolves.toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("names the engine by URL scheme and rejects anything else", () => {
    expect(engineForUrl("file:./data/tandem.sqlite")).toBe("sqlite");
    expect(engineForUrl("postgres://u@h/db")).toBe("postgres");
    expect(engineForUrl("postgresql://u@h/db")).toBe("postgres");
    expect(() => engineForUrl("mysql://u@h/db")).toThrow(/DATABASE_URL/);
  });
});
