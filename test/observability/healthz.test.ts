import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Schema } from "../../app/db/schema";
import { createLogger } from "../../app/logger.server";
import { checkHealth } from "../../app/observability/health.server";
import { captureLines } from "./support";

// Finding (issue 13): /healthz answered anyone with the raw database error text (host names, users). It now
// says what is down in generic words, and the detail goes to the log.

const SECRET_HOST = "127.0.0.1";
const SECRET_USER = "tandem_secret_user";

const db = new Kysely<Schema>({
  dialect: new PostgresDialect({
    pool: new pg.Pool({ connectionString: `postgres://${SECRET_USER}@${SECRET_HOST}:1/tandem`, connectionTimeoutMillis: 2_000, max: 1 }),
  }),
});
afterAll(() => db.destroy());

const queueDown = {
  async ping() {
    throw new Error(`Redis did not answer at redis://${SECRET_USER}:hunter2@cache.internal:6379`);
  },
};

describe("/healthz", () => {
  it("names what is down in generic words and logs the detail, once a minute per detail", async () => {
    const { stream, lines } = captureLines();
    const logger = createLogger("info", stream);
    const context = { database: { db }, queue: queueDown, worker: { health: () => "delivery thread could not start: SQLITE_CANTOPEN /srv/data/tandem.sqlite" }, logger };

    const report = await checkHealth(context as unknown as Parameters<typeof checkHealth>[0]);

    expect(report).toEqual({ ok: false, database: "unavailable", queue: "unavailable", worker: "unavailable" });
    const body = JSON.stringify(report);
    for (const secret of [SECRET_HOST, SECRET_USER, "ECONNREFUSED", "cache.internal", "hunter2", "/srv/data"]) expect(body).not.toContain(secret);
    // The operator finds the detail in the log
    const logged = lines.map((line) => JSON.parse(line) as { component: string; detail: string; level: number });
    expect(logged.map((line) => line.component).sort()).toEqual(["database", "delivery thread", "queue"]);
    expect(logged.find((line) => line.component === "database")?.detail).toMatch(/ECONNREFUSED/);
    expect(logged.find((line) => line.component === "queue")?.detail).toMatch(/cache\.internal/);
    // A probe every few seconds does not repeat the same lines
    await checkHealth(context as unknown as Parameters<typeof checkHealth>[0]);
    expect(lines).toHaveLength(3);
  });
});
