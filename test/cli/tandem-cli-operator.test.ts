import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { listActivity } from "../../app/admin/activity.server";
import { openDatabase } from "../../app/db/connection.server";
import { createMigrationProvider } from "../../app/db/migrations/provider";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createShopStore } from "../../app/db/shops.server";
import { parseEncryptionKey } from "../../app/db/token-crypto.server";
import { openTestPostgres, withConnection } from "../db/support";

// The operator's steps as CLI commands (README, "Operating it" and "Deploying in scale mode"): the deliveries
// list pages as Activity does, flags are checked before the database is opened, stored tokens are re-encrypted
// after a key rotation, and migration 0003's index is built ahead of an upgrade.

// Each test starts several CLI processes (a second or more each on a busy machine): room beyond the default.
const CLI_TEST_MS = 90_000;

const dir = mkdtempSync(join(tmpdir(), "tandem-cli-operator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD_KEY = Buffer.alloc(32, 3).toString("base64");
const NEW_KEY = Buffer.alloc(32, 9).toString("base64");
const SHOP = "pages.myshopify.com";

type Run = { code: number | null; stdout: string; stderr: string };

function tandem(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--import", "tsx", "bin/tandem.ts", ...args],
      { env: { ...process.env, LOG_LEVEL: "silent", ...env }, encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        if (code === null) reject(error ?? new Error("no exit code"));
        else resolve({ code, stdout, stderr: stderr.trim() });
      },
    );
  });
}

function delivery(index: number, status: NewDelivery["status"] = "pending"): NewDelivery {
  return {
    shop: SHOP,
    destination: "meta:123456789",
    eventName: "Purchase",
    eventId: `evt-${index}`,
    provenance: "order_id",
    orderId: String(1000 + index),
    orderName: `#${1000 + index}`,
    eventTime: 1_800_000_000,
    payload: { event_name: "Purchase" },
    matchKeys: ["em"],
    status,
    nextAttemptAt: 0,
  } as NewDelivery;
}

describe("tandem deliveries:list", () => {
  it("pages with the cursor Activity uses, newest first, naming the next page on stderr", async () => {
    const url = `file:${join(dir, "pages.sqlite")}`;
    // GIVEN five rows, two of them created in the same millisecond (the id breaks the tie)
    const seeding = await openDatabase(url, { checkpointThread: false });
    try {
      const outbox = createOutbox(seeding);
      await outbox.enqueue([delivery(1), delivery(2)], 1_000);
      await outbox.enqueue([delivery(3)], 2_000);
      await outbox.enqueue([delivery(4), delivery(5, "dead")], 3_000);
    } finally {
      await seeding.close();
    }
    const activity = await withConnection(url, (database) => listActivity({ database } as Parameters<typeof listActivity>[0], { shop: SHOP, limit: 2 }));

    const first = await tandem({ DATABASE_URL: url }, "deliveries:list", "--shop", SHOP, "--limit", "2");
    expect(first.code).toBe(0);
    const firstRows = JSON.parse(first.stdout) as Array<{ eventId: string; createdAt: number; payload?: unknown }>;
    expect(firstRows.map((row) => row.eventId)).toEqual(activity.rows.map((row) => row.eventId));
    expect(firstRows[0]).not.toHaveProperty("payload");
    expect(first.stderr).toBe(`more rows: add --after ${activity.nextCursor}`);

    const seen = [...firstRows.map((row) => row.eventId)];
    let after = activity.nextCursor ?? "";
    for (let page = 0; page < 5 && after !== ""; page += 1) {
      const next = await tandem({ DATABASE_URL: url }, "deliveries:list", "--shop", SHOP, "--limit", "2", "--after", after);
      expect(next.code).toBe(0);
      seen.push(...(JSON.parse(next.stdout) as Array<{ eventId: string }>).map((row) => row.eventId));
      after = /--after (\S+)$/.exec(next.stderr)?.[1] ?? "";
    }
    expect(seen).toEqual(["evt-5", "evt-4", "evt-3", "evt-2", "evt-1"]);

    const dead = await tandem({ DATABASE_URL: url }, "deliveries:list", "--status", "dead");
    expect(JSON.parse(dead.stdout)).toMatchObject([{ eventId: "evt-5", status: "dead" }]);
    expect(dead.stderr).toBe("");
  }, CLI_TEST_MS);

  it.each([
    [["deliveries:list", "--limit", "1001"], 'tandem: --limit must be a whole number from 1 to 1000; got "1001"'],
    [["deliveries:list", "--limit=-3"], 'tandem: --limit must be a whole number from 1 to 1000; got "-3"'],
    [["deliveries:list", "--limit", "-3"], "tandem: Option '--limit' argument is ambiguous. Did you forget to specify the option argument for '--limit'? To specify an option argument starting with a dash use '--limit=-XYZ'."],
    [["deliveries:list", "--limit", "2.5"], 'tandem: --limit must be a whole number from 1 to 1000; got "2.5"'],
    [["deliveries:list", "--after", "yesterday"], 'tandem: --after must be the cursor a previous page named (<created_at>_<id>); got "yesterday"'],
    [["deliveries:list", "--status", "failed"], 'tandem: --status must be one of pending, retrying, sent, needs_attention, held, skipped, dead; got "failed"'],
    [["deliveries:redrive", "--status", "pending"], 'tandem: --status must be one of dead, needs_attention; got "pending"'],
    [["deliveries:redrive"], "tandem: missing --status"],
  ])("refuses %j with one line and exit 2, before the database is opened", async (args, message) => {
    const file = join(dir, `untouched-${Math.random().toString(36).slice(2)}.sqlite`);
    const result = await tandem({ DATABASE_URL: `file:${file}` }, ...args);
    expect(result).toEqual({ code: 2, stdout: "", stderr: message });
    expect(existsSync(file)).toBe(false);
  });

  it("has no --limit on a redrive: an unknown flag is refused, not ignored", async () => {
    const file = join(dir, "redrive-limit.sqlite");
    const result = await tandem({ DATABASE_URL: `file:${file}` }, "deliveries:redrive", "--status", "dead", "--limit", "5");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tandem: Unknown option '--limit'/);
    expect(existsSync(file)).toBe(false);
  });
});

describe("tandem secrets:reencrypt", () => {
  it("rewrites stored tokens under the first key, then reports zeros; the old key can then go", async () => {
    const url = `file:${join(dir, "rotate.sqlite")}`;
    // GIVEN a token stored under the old key
    const configured = await tandem(
      { DATABASE_URL: url, TOKEN_ENCRYPTION_KEY: OLD_KEY },
      "shops:configure", "--shop", SHOP, "--pixel-id", "123456789", "--access-token", "EAArotate-me",
    );
    expect(configured.code).toBe(0);
    // WHEN the new key is deployed first, the old one after it, and the command runs (twice)
    const rotated = await tandem({ DATABASE_URL: url, TOKEN_ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}` }, "secrets:reencrypt");
    expect(rotated).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(rotated.stdout)).toEqual({ sessions: 0, shops: 1 });
    const again = await tandem({ DATABASE_URL: url, TOKEN_ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}` }, "secrets:reencrypt");
    expect(JSON.parse(again.stdout)).toEqual({ sessions: 0, shops: 0 });
    // THEN the new key alone reads the token, and the old one alone no longer does
    const read = (key: string) =>
      withConnection(url, (database) => createShopStore(database, [parseEncryptionKey(key)]).getAccessToken(SHOP).catch(() => "unreadable"));
    await expect(read(NEW_KEY)).resolves.toBe("EAArotate-me");
    await expect(read(OLD_KEY)).resolves.not.toBe("EAArotate-me");
  }, CLI_TEST_MS);

  it("takes no flags", async () => {
    const result = await tandem({ DATABASE_URL: `file:${join(dir, "never.sqlite")}` }, "secrets:reencrypt", "--shop", SHOP);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tandem: Unknown option '--shop'/);
  });
});

describe("tandem db:build-due-index", () => {
  it("builds migration 0003's index concurrently on PostgreSQL without running a migration, and the upgrade then accepts it", async () => {
    const test = await openTestPostgres();
    try {
      // GIVEN a database from before migration 0003 (later ones undone: Kysely refuses a gap in the history)
      const back = await new Migrator({ db: test.database.db, provider: createMigrationProvider("postgres") }).migrateTo("0002-deliveries-shop-status-index");
      expect(back.error).toBeUndefined();
      const built = await tandem({ DATABASE_URL: test.url }, "db:build-due-index");
      expect(built).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(built.stdout)).toEqual({ built: true, index: "deliveries_shop_due_idx" });
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(test.database.db);
      expect(applied.rows.map((row) => row.name)).not.toContain("0003-deliveries-shop-due-index");
      const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'deliveries_shop_due_idx'`.execute(test.database.db);
      expect(index.rows[0]?.indexdef).toMatch(/WHERE .*status.*pending.*retrying/i);
      // Run again: nothing to do, still success.
      expect((await tandem({ DATABASE_URL: test.url }, "db:build-due-index")).code).toBe(0);
      // WHEN the upgrade starts (any command opens the app, which migrates), THEN 0003 passes over the index
      expect((await tandem({ DATABASE_URL: test.url }, "deliveries:list")).code).toBe(0);
      const after = await sql<{ name: string }>`select name from kysely_migration`.execute(test.database.db);
      expect(after.rows.map((row) => row.name)).toContain("0003-deliveries-shop-due-index");
    } finally {
      await test.cleanup();
    }
  }, CLI_TEST_MS);

  it("says there is nothing to build on SQLite", async () => {
    const result = await tandem({ DATABASE_URL: `file:${join(dir, "sqlite-index.sqlite")}` }, "db:build-due-index");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ built: false });
  });
});
