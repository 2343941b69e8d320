import { describe, expect, it } from "vitest";
import { createAppContext, runsInlineWorker } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { checkHealth } from "../../app/observability/health.server";
import { openTestPostgres } from "../db/support";
import { TEST_REDIS_URL } from "./bullmq-namespace";

const REDIS = { REDIS_URL: TEST_REDIS_URL };

describe("which process runs the delivery worker", () => {
  it("runs it inline in embedded mode unless WORKER=off", () => {
    expect(runsInlineWorker(parseEnv({ ...process.env, WORKER: undefined }), undefined)).toBe(true);
    expect(runsInlineWorker(parseEnv({ ...process.env, WORKER: "off" }), "off")).toBe(false);
  });

  it("leaves it to `npm run worker` in scale mode unless WORKER=inline is set explicitly", () => {
    expect(runsInlineWorker(parseEnv({ ...process.env, ...REDIS, WORKER: undefined }), undefined)).toBe(false);
    expect(runsInlineWorker(parseEnv({ ...process.env, ...REDIS, WORKER: "inline" }), "inline")).toBe(true);
    expect(runsInlineWorker(parseEnv({ ...process.env, ...REDIS, WORKER: "off" }), "off")).toBe(false);
  });
});

describe("scale-mode app context", () => {
  it("uses the BullMQ queue when REDIS_URL is set, and /healthz reports Redis", async () => {
    const db = await openTestPostgres();
    const up = await createAppContext(parseEnv({ ...process.env, ...REDIS, DATABASE_URL: db.url, WORKER: "off" }), {
      queue: { name: "health-check", prefix: "tandem-test-health" },
    });
    const down = await createAppContext(
      parseEnv({ ...process.env, REDIS_URL: "redis://127.0.0.1:1", DATABASE_URL: db.url, WORKER: "off" }),
    );
    try {
      expect(await checkHealth(up)).toEqual({ ok: true, database: "ok", queue: "ok" });
      const report = await checkHealth(down);
      expect(report.ok).toBe(false);
      expect(report.database).toBe("ok");
      // Generic words only: the detail (host, port, the client's message) goes to the log (decision 0019).
      expect(report.queue).toBe("unavailable");
    } finally {
      await up.close();
      await down.close();
      await db.cleanup();
    }
  });
});
