import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

// Kysely's SqliteDialect expects a better-sqlite3-shaped object. node:sqlite ships with Node (no native addon to
// compile, nothing downloaded at install), so this adapter is the whole cost of using it.

function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  // node:sqlite rejects booleans; the schema stores them as 0/1 anyway.
  if (typeof value === "boolean") return value ? 1 : 0;
  if (
    typeof value === "number" ||
    typeof value === "bigint" ||
    typeof value === "string" ||
    value instanceof Uint8Array
  ) {
    return value;
  }
  throw new TypeError(`Unsupported SQLite parameter type: ${typeof value}`);
}

function toParams(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqliteValue);
}

// Kysely prepares every query anew; on the webhook hot path that parse/plan step cost as much as the write.
// The SQL text of a Kysely query is stable (values are parameters), so a small cache keyed by the text is
// safe. Bounded so ad-hoc queries (IN lists of varying length) cannot grow it without limit.
const STATEMENT_CACHE_SIZE = 512;

export function createSqliteAdapter(database: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();

  function prepareUncached(sql: string): SqliteStatement {
    const statement = database.prepare(sql);
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...toParams(parameters)),
      run: (parameters) => {
        const result = statement.run(...toParams(parameters));
        return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
      },
      iterate: (parameters) => statement.iterate(...toParams(parameters)),
    };
  }

  return {
    close() {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) return cached;
      const prepared = prepareUncached(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, prepared);
      return prepared;
    },
  };
}
