import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach } from "vitest";
import { openDatabase, type Database } from "../../app/db/connection.server";

/**
 * Real databases for tests (no fakes). Each call gives a brand-new, migrated, empty database:
 * - openTestSqlite(): a file in its own temp directory under os.tmpdir();
 * - openTestPostgres(): a new database `tandem_test_<random>` on the server named by TEST_POSTGRES_URL
 *   (default postgres://postgres@127.0.0.1:5432/postgres; the role must be allowed to CREATE DATABASE).
 * Call cleanup() in afterAll: it closes the connection and deletes the file / drops the database.
 * `url` lets a test open a second connection to the same database (e.g. a second worker).
 */
export type TestDatabase = {
  database: Database;
  url: string;
  cleanup(): Promise<void>;
};

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function openTestSqlite(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-test-"));
  const url = `file:${join(dir, "tandem.sqlite")}`;
  const database = await openDatabase(url);
  return {
    database,
    url,
    async cleanup() {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `read` on a connection of its own to the database at `url` (already migrated), then closes it: for
 * looking at what another process or thread wrote, or at what is left after an app context closed.
 */
export async function withConnection<T>(url: string, read: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(url, { migrate: false });
  try {
    return await read(database);
  } finally {
    await database.close();
  }
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at TEST_POSTGRES_URL (${new URL(TEST_POSTGRES_URL).host}); start it first`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function openTestPostgres(): Promise<TestDatabase> {
  // Names are generated here (hex only), so interpolating them into DDL is safe.
  const name = `tandem_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  let database: Database;
  try {
    database = await openDatabase(url.toString(), { poolMax: 5 });
  } catch (error) {
    await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    throw error;
  }
  return {
    database,
    url: url.toString(),
    async cleanup() {
      await database.close();
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Empties every app table, for suites that share one database across tests. */
export async function truncateAll(database: Database): Promise<void> {
  for (const table of ["deliveries", "funnel_events", "funnel_event_counts", "order_events", "webhook_receipts", "shops", "sessions"] as const) {
    await database.db.deleteFrom(table).execute();
  }
}

/** Both engines, for `describe.each`: a name and how to open a fresh database of that engine. */
export const TEST_ENGINES = [
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const;

/**
 * For a file whose tests each open their own database: returns `open`, which opens one (with an engine's opener
 * from TEST_ENGINES) and has it cleaned up after the test that opened it.
 */
export function databasePerTest(): (opener: () => Promise<TestDatabase>) => Promise<Database> {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const testDb of opened.splice(0)) await testDb.cleanup();
  });
  return async (opener) => {
    const testDb = await opener();
    opened.push(testDb);
    return testDb.database;
  };
}
