import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Engine } from "./engine";
import { createMigrationProvider } from "./migrations/provider";
import type { Schema } from "./schema";
import { createSqliteAdapter } from "./sqlite-adapter.server";
import { createAsyncBusySqliteDialect, type BusyWaitStats } from "./sqlite-busy.server";
import { startWalCheckpointer } from "./wal-checkpointer.server";

export type { Engine } from "./engine";

export type Database = {
  db: Kysely<Schema>;
  engine: Engine;
  close(): Promise<void>;
  /** SQLite: statements that found the write lock taken and waited for it on timers (sqlite-busy.server.ts). */
  busyWaits?: BusyWaitStats;
};

export type OpenDatabaseOptions = {
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
  /**
   * SQLite: start the WAL checkpoint thread (default true). A second connection in the same process (the
   * delivery thread's) passes false: one checkpoint thread per database file is enough.
   */
  checkpointThread?: boolean;
};

const INT8_OID = 20;

// pg returns BIGINT as a string because it may exceed 2^53. Our bigints are millisecond timestamps, ids and
// counts, all far below that; a value that is not safe is a bug we want to hear about, not silently round.
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return value;
}

function sqlitePathFromUrl(url: string): string {
  if (url === "file::memory:" || url === "file:memory") return ":memory:";
  if (url.startsWith("file://")) return fileURLToPath(url);
  return resolve(url.slice("file:".length).split("?")[0] ?? "");
}

const BACKSTOP_CHECKPOINT_PAGES = 8_000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

type Opened = { db: Kysely<Schema>; stopCheckpoints(): Promise<void>; afterMigrate(): void; busyWaits?: BusyWaitStats };

function openSqlite(url: string, checkpointThread: boolean): Opened {
  const path = sqlitePathFromUrl(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const raw = new DatabaseSync(path);
  // busy_timeout first: the journal_mode change itself needs the lock when another process holds the file.
  raw.exec("PRAGMA busy_timeout = 5000");
  raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  // 4 MB of page cache per connection (default 2 MB): the outbox's indexes outgrow 2 MB within hours of a busy
  // shop, and every page that misses the cache is a read syscall on the webhook path (docs/decisions/0008,
  // Measurements). Not 8 MB as before: in WAL mode a connection drops its whole cache when another one has
  // committed, which the web thread and the delivery thread do every few ms, so the larger cache bought no
  // throughput, only ~13 MB of peak RSS against the 300 MB budget (docs/decisions/0038).
  raw.exec("PRAGMA cache_size = -4000");
  raw.exec("PRAGMA foreign_keys = ON");
  // Deleted rows are overwritten with zeros, so redacted and purged data does not survive in free pages
  // (decision 0020; its cost is measured by the redaction bench).
  raw.exec("PRAGMA secure_delete = ON");
  const busyWaits: BusyWaitStats = { waits: 0, retries: 0 };
  const db = new Kysely<Schema>({ dialect: createAsyncBusySqliteDialect(raw, createSqliteAdapter(raw), busyWaits) });
  // Migrations wait for the lock inside SQLite (start-up, nothing to answer yet); after them, lock waits
  // happen on timers so they never block the event loop (sqlite-busy.server.ts).
  const afterMigrate = () => raw.exec("PRAGMA busy_timeout = 0");
  if (path === ":memory:") return { db, stopCheckpoints: async () => {}, afterMigrate, busyWaits };
  // Checkpoints run on a thread of their own (wal-checkpointer.server.ts, decision 0009), so a commit rarely
  // copies pages and fsyncs. This connection still checkpoints once the WAL passes ~32 MB: by then the thread
  // has copied all but the last moments, so that checkpoint is short, and being the writer's own it catches
  // up fully, which lets the next commit start the WAL from the beginning again (a thread alone never
  // catches up while commits keep coming, and the WAL would grow without end). journal_size_limit then
  // truncates the file. Should the thread fail, the default 1,000-page checkpoint comes back.
  raw.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  raw.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // A second connection of the same process (the delivery thread's) keeps the backstop and shares the
  // first connection's checkpoint thread: it copies pages for every connection to the file.
  if (!checkpointThread) return { db, stopCheckpoints: async () => {}, afterMigrate, busyWaits };
  const checkpointer = startWalCheckpointer(path, {
    onFailure(error) {
      if (raw.isOpen) raw.exec("PRAGMA wal_autocheckpoint = 1000");
      process.emitWarning(`SQLite checkpoint thread failed, checkpointing inline again: ${error.message}`);
    },
  });
  return { db, stopCheckpoints: () => checkpointer.stop(), afterMigrate, busyWaits };
}

function openPostgres(url: string, poolMax: number): Kysely<Schema> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    // Per-pool parser instead of pg.types.setTypeParser so importing this module changes nothing global.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID && format !== "binary"
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server connection ends (a restart, a failover, an administrator's terminate) is
  // dropped by the pool and reported here; without a listener node would throw it and end the process. The
  // next query opens a fresh connection, so a warning is all it needs (the message carries no credentials).
  pool.on("error", (error) => process.emitWarning(`PostgreSQL idle connection lost: ${error.message}`));
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

/** An in-memory SQLite database exists only for the connection that opened it: no second connection sees it. */
export function isInMemoryDatabase(url: string): boolean {
  return url.startsWith("file:") && sqlitePathFromUrl(url) === ":memory:";
}

export function engineForUrl(url: string): Engine {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgres";
  throw new Error("DATABASE_URL must start with file:, postgres:// or postgresql://");
}

async function migrateToLatest(db: Kysely<Schema>, engine: Engine): Promise<void> {
  const migrator = new Migrator({ db, provider: createMigrationProvider(engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}

/**
 * Opens the database named by `url` and brings its schema up to date.
 * With SQLite, use one Database per thread: node:sqlite is synchronous, so two connections on one thread
 * that wait on each other's write lock block its event loop until busy_timeout expires. Connections on
 * different threads (the web process's and its delivery thread's) wait for each other like two processes.
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Promise<Database> {
  const engine = engineForUrl(url);
  const opened: Opened =
    engine === "sqlite"
      ? openSqlite(url, opts.checkpointThread ?? true)
      : { db: openPostgres(url, opts.poolMax ?? 10), stopCheckpoints: async () => {}, afterMigrate: () => {} };
  const { db } = opened;
  const close = async () => {
    await opened.stopCheckpoints();
    await db.destroy();
  };
  if (opts.migrate ?? true) {
    try {
      await migrateToLatest(db, engine);
    } catch (error) {
      await close();
      throw error;
    }
  }
  opened.afterMigrate();
  return { db, engine, close, ...(opened.busyWaits && { busyWaits: opened.busyWaits }) };
}

/** One round trip that touches no table: /healthz asks whether the database answers at all. */
export async function pingDatabase(database: Pick<Database, "db">): Promise<void> {
  await sql`select 1`.execute(database.db);
}
