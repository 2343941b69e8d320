import { sql, type Kysely } from "kysely";
import type { Database } from "./connection.server";
import type { Schema } from "./schema";

/**
 * Runs `work` in a transaction that writes. On SQLite it starts with BEGIN IMMEDIATE, taking the write lock up
 * front: a deferred BEGIN that reads first can fail with SQLITE_BUSY when it later upgrades to write while
 * another process has written. Kysely's SQLite driver only issues a plain BEGIN, hence this helper.
 */
export async function withWriteTransaction<T>(
  database: Database,
  work: (db: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  if (database.engine === "postgres") return database.db.transaction().execute(work);
  return database.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
