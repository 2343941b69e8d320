import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultApp, OTHER_PIXEL, OTHER_SHOP, SHOP, type FaultApp } from "../faults/fault-app";
import { spawnWorker, type WorkerProcess } from "../faults/worker-process";
import { waitFor } from "../support/wait";
import { sample } from "./support";

// Scale mode records delivery latency and Meta errors in `npm run worker` processes, which have no web
// server. `--metrics-port` gives each one /metrics and /healthz: a real worker process, PostgreSQL, BullMQ.

describe("worker process metrics (scale mode)", () => {
  let app: FaultApp;
  let worker: WorkerProcess;
  let base: string;

  beforeAll(async () => {
    app = await startFaultApp("scale");
    worker = spawnWorker(app, ["--metrics-port", "0", "--poll-ms", "100"]);
    const { metricsPort } = await worker.ready;
    expect(metricsPort).toBeGreaterThan(0);
    base = `http://127.0.0.1:${metricsPort}`;
  }, 30_000);
  afterAll(async () => {
    if (worker?.child.exitCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    await app?.close();
  });

  it("serves delivery latency, events sent and Meta errors recorded by that worker", async () => {
    // GIVEN one shop's orders go through, and Meta rejects the other shop's token on every call (a single
    // refusal that a second read does not confirm is retried, not paused: decision 0025)
    app.sim.expireToken(OTHER_PIXEL);
    await app.ingest(0, 40);
    await app.ingest(100, 1, OTHER_SHOP);
    await waitFor(async () => (await app.statusCounts(SHOP)).sent === 40, 15_000, "all sent");
    await waitFor(async () => (await app.statusCounts(OTHER_SHOP)).needs_attention === 1, 15_000, "other shop paused");
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    // THEN this worker's registry holds what it delivered and the error it met
    expect(sample(text, "tandem_events_sent_total")).toBe(40);
    expect(sample(text, "tandem_delivery_latency_seconds_count")).toBe(40);
    const errorLines = text.split("\n").filter((line) => line.startsWith("tandem_meta_errors_total{"));
    expect(errorLines.filter((line) => line.includes('code="190"') && Number(line.split(" ").pop()) >= 1), errorLines.join("\n")).not.toEqual([]);
    expect(sample(text, 'tandem_outbox_depth{status="sent"}')).toBe(40);
  });

  it("answers /healthz with the database and Redis, and nothing else on the port", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, database: "ok", queue: "ok" });
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
  });
});
