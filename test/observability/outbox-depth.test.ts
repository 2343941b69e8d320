import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../app/db/connection.server";
import { boundedCountSql, createOutboxDepth, OUTBOX_DEPTH_CAP } from "../../app/observability/outbox-depth.server";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "../db/support";

// Finding (issue 13): /metrics counted the whole deliveries table on every scrape. The depth is now counted
// per status up to a cap, through the status index: the cost of a scrape is bounded by the cap, not the table.

const SENT = 2_500;
const PENDING = 40;
const CAP = 1_000;

async function fill(database: Database): Promise<void> {
  // Many finished rows (90 days of history, scaled down) and a small backlog, in one statement each.
  const insert = (status: string, count: number, offset: number) => sql`
    insert into deliveries (shop, destination, event_name, event_id, provenance, event_time, payload, match_keys, status, attempts, next_attempt_at, created_at, updated_at)
    select 'depth.myshopify.com', 'meta:1', 'Purchase', 'ev_' || (n + ${offset}), 'order_id', 0, null, '[]', ${status}, 0, 0, 0, 0
    from (with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${count}) select n from seq) as numbers`;
  await insert("sent", SENT, 0).execute(database.db);
  await insert("pending", PENDING, SENT).execute(database.db);
}

describe.each([
  ["SQLite", openTestSqlite],
  ["PostgreSQL", openTestPostgres],
])("outbox depth on %s", (engine, open) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await open();
    await fill(test.database);
  });
  afterAll(() => test.cleanup());

  it("counts each status up to the cap: exact below it, the cap at or above it", async () => {
    const counts = await createOutboxDepth(test.database.db, CAP).countByStatus();
    expect(counts).toMatchObject({ pending: PENDING, sent: CAP, dead: 0, retrying: 0, needs_attention: 0, held: 0, skipped: 0 });
    // The default cap is well above any healthy backlog.
    expect((await createOutboxDepth(test.database.db).countByStatus()).sent).toBe(Math.min(SENT, OUTBOX_DEPTH_CAP));
  });

  it("shares one count among scrapes that arrive together", async () => {
    const depth = createOutboxDepth(test.database.db, CAP);
    const [first, second] = [depth.countByStatus(), depth.countByStatus()];
    expect(first).toBe(second);
    await first;
    // A later scrape counts afresh.
    expect(depth.countByStatus()).not.toBe(first);
  });

  it("reads the status index, not the table", async () => {
    const query = boundedCountSql("sent", CAP).compile(test.database.db);
    if (engine === "SQLite") {
      const { rows } = await sql<{ detail: string }>`explain query plan ${sql.raw(inline(query.sql, query.parameters))}`.execute(test.database.db);
      const plan = rows.map((row) => row.detail).join("\n");
      expect(plan).toMatch(/SEARCH deliveries USING COVERING INDEX \w+ \(status=\?\)/);
      expect(plan).not.toMatch(/SCAN deliveries/);
    } else {
      // On a table this small the planner might prefer reading it whole; with that ruled out for this one
      // session, the plan shows the index it has for the status, under the LIMIT.
      const plan = await test.database.db.connection().execute(async (connection) => {
        await sql`analyze deliveries`.execute(connection);
        await sql`set enable_seqscan = off`.execute(connection);
        const { rows } = await sql<{ "QUERY PLAN": string }>`explain ${sql.raw(inline(query.sql, query.parameters))}`.execute(connection);
        await sql`reset enable_seqscan`.execute(connection);
        return rows.map((row) => row["QUERY PLAN"]).join("\n");
      });
      expect(plan).toMatch(/Limit/);
      expect(plan).toMatch(/Index (Only )?Scan on deliveries_\w+|Index (Only )?Scan using deliveries_\w+ on deliveries/);
      expect(plan).toMatch(/Index Cond: \(status = 'sent'::text\)/);
    }
  });
});

/** The compiled query with its parameters written in, for EXPLAIN (they are a status name and a number). */
function inline(text: string, parameters: readonly unknown[]): string {
  let index = 0;
  return text.replace(/\?|\$\d+/g, () => {
    const value = parameters[index++];
    return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}
