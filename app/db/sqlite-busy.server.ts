import type { DatabaseSync } from "node:sqlite";
import { SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type CompiledQuery } from "kysely";

// Lock waits without blocking the event loop (decision 0020). node:sqlite is synchronous: with busy_timeout
// set, a statement that finds another connection's write lock sleeps inside SQLite, on the calling thread, until
// the lock is free or the timeout passes. On the web process that thread is the one answering Shopify, so one
// slow writer elsewhere (a maintenance chunk, a CLI, another process) held every webhook. Here the connection
// runs with busy_timeout 0: SQLITE_BUSY comes back at once, and the statement is tried again after a timer, so
// the event loop keeps serving requests meanwhile. Only statements outside a transaction are retried — a busy
// statement then did nothing (BEGIN IMMEDIATE included) — inside a transaction the error stands, as it would
// with busy_timeout.

const SQLITE_BUSY = 5;
/** Total time a statement waits for the lock before SQLITE_BUSY is raised (the old busy_timeout). */
export const BUSY_WAIT_BUDGET_MS = 5_000;
// Short first steps: a webhook commit usually waits for one claim or one maintenance chunk (a few ms).
const BACKOFF_MS = [1, 1, 2, 2, 4, 4, 8];

export function isSqliteBusy(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "errcode" in error &&
    typeof error.errcode === "number" &&
    (error.errcode & 0xff) === SQLITE_BUSY
  );
}

export type BusyWaitStats = { waits: number; retries: number };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function retrying(connection: DatabaseConnection, raw: DatabaseSync, stats: BusyWaitStats, budgetMs: number): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      let attempt = 0;
      let started = 0;
      for (;;) {
        try {
          return await connection.executeQuery<R>(query);
        } catch (error) {
          if (!isSqliteBusy(error) || raw.isTransaction) throw error;
          if (attempt === 0) {
            started = performance.now();
            stats.waits += 1;
          }
          if (performance.now() - started > budgetMs) throw error;
          stats.retries += 1;
          await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 8);
          attempt += 1;
        }
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

/** Kysely's SQLite dialect whose statements wait for the write lock on timers instead of inside SQLite. */
export function createAsyncBusySqliteDialect(raw: DatabaseSync, database: ConstructorParameters<typeof SqliteDialect>[0]["database"], stats: BusyWaitStats, budgetMs = BUSY_WAIT_BUDGET_MS): SqliteDialect {
  class AsyncBusySqliteDialect extends SqliteDialect {
    override createDriver(): Driver {
      const inner = super.createDriver();
      const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const wrap = (connection: DatabaseConnection) => {
        let found = wrapped.get(connection);
        if (!found) {
          found = retrying(connection, raw, stats, budgetMs);
          wrapped.set(connection, found);
        }
        return found;
      };
      const unwrap = new WeakMap<DatabaseConnection, DatabaseConnection>();
      return {
        init: () => inner.init(),
        async acquireConnection() {
          const connection = await inner.acquireConnection();
          const outer = wrap(connection);
          unwrap.set(outer, connection);
          return outer;
        },
        beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
        commitTransaction: (connection) => inner.commitTransaction(connection),
        rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
        ...(inner.savepoint && { savepoint: inner.savepoint.bind(inner) }),
        ...(inner.rollbackToSavepoint && { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) }),
        ...(inner.releaseSavepoint && { releaseSavepoint: inner.releaseSavepoint.bind(inner) }),
        releaseConnection: (connection) => inner.releaseConnection(unwrap.get(connection) ?? connection),
        destroy: () => inner.destroy(),
      };
    }
  }
  return new AsyncBusySqliteDialect({ database });
}
