import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultApp, type FaultApp } from "../faults/fault-app";
import { spawnWorker, type WorkerProcess } from "../faults/worker-process";
import { waitFor } from "../support/wait";

// The metrics port is token-free unless METRICS_TOKEN is set, so it listens on loopback unless the operator
// names another address (docs/decisions/0037; finding: the worker's port listened on every interface).
// Real processes, real HTTP on 127.0.0.1; the address asserted is the one the server reports as bound.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the worker's metrics port (npm run worker --metrics-port)", () => {
  let app: FaultApp;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    app = await startFaultApp("embedded");
  });
  afterEach(async () => {
    if (worker?.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    worker = undefined;
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Starts a worker, waits until it is ready, and proves the port answers a scrape over loopback. */
  async function boundAddress(args: string[], env: Record<string, string | undefined> = {}): Promise<string | null> {
    worker = spawnWorker(app, ["--metrics-port", "0", ...args], { METRICS_BIND_ADDRESS: undefined, ...env });
    const { metricsPort, metricsAddress } = await worker.ready;
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain("tandem_outbox_depth");
    return metricsAddress;
  }

  it("listens on 127.0.0.1 when nothing says otherwise", async () => {
    expect(await boundAddress([])).toBe("127.0.0.1");
  });

  it("listens where --metrics-host says", async () => {
    expect(await boundAddress(["--metrics-host", "0.0.0.0"])).toBe("0.0.0.0");
  });

  it("follows METRICS_BIND_ADDRESS, and --metrics-host wins over it", async () => {
    expect(await boundAddress([], { METRICS_BIND_ADDRESS: "0.0.0.0" })).toBe("0.0.0.0");
    worker?.child.kill("SIGTERM");
    await worker?.exited;
    expect(await boundAddress(["--metrics-host", "127.0.0.1"], { METRICS_BIND_ADDRESS: "0.0.0.0" })).toBe("127.0.0.1");
  });

  it.each([
    [["--metrics-port", "0", "--metrics-host", "metrics.example.com"], {}, 'Invalid option: --metrics-host must be an IP address, e.g. 127.0.0.1 or 0.0.0.0 (got "metrics.example.com")'],
    [["--metrics-port", "0", "--metrics-host", "127.0.0.300"], {}, 'Invalid option: --metrics-host must be an IP address, e.g. 127.0.0.1 or 0.0.0.0 (got "127.0.0.300")'],
    [["--metrics-host", "0.0.0.0"], {}, "Invalid option: --metrics-host needs --metrics-port"],
    [["--metrics-port", "0"], { METRICS_BIND_ADDRESS: "localhost" }, "Invalid environment: METRICS_BIND_ADDRESS must be an IP address, e.g. 127.0.0.1 or 0.0.0.0"],
  ])("refuses to start with %j %j: one line saying why, exit 1", async (args, env, message) => {
    worker = spawnWorker(app, args, env);
    await expect(worker.ready).rejects.toThrow(/worker exited before ready/);
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.stderr().trim()).toBe(message);
  });
});

describe("the web process's metrics port (METRICS_PORT)", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tandem-metrics-bind-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** bin/web.ts from source (the Remix build it loads is the one npm test builds); what it says it bound. */
  async function startWeb(env: Record<string, string | undefined>): Promise<{ app: string; metrics: string }> {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: "0",
      METRICS_PORT: "0",
      DATABASE_URL: `file:${join(dir, `${Math.random().toString(36).slice(2)}.sqlite`)}`,
      WORKER: "off",
      LOG_LEVEL: "warn",
      BIND_ADDRESS: undefined,
      METRICS_BIND_ADDRESS: undefined,
      REDIS_URL: undefined,
      ...env,
    };
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "bin/web.ts"], {
      cwd: ROOT,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const metricsLine = /tandem metrics on port (\d+) \(bound to ([^)]+)\)/;
    try {
      await waitFor(() => metricsLine.test(stdout) || child.exitCode !== null, 30_000, "metrics port listening");
      const [, port, metrics] = metricsLine.exec(stdout) ?? [];
      expect(metrics, `${stdout}\n${stderr}`).toBeDefined();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const app = /tandem listening on http:\/\/localhost:\d+ \(bound to ([^)]+)\)/.exec(stdout)?.[1];
      return { app: String(app), metrics: String(metrics) };
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }

  it("stays on 127.0.0.1 when BIND_ADDRESS opens the app's port to the network", async () => {
    expect(await startWeb({ BIND_ADDRESS: "0.0.0.0" })).toEqual({ app: "0.0.0.0", metrics: "127.0.0.1" });
  });

  it("listens where METRICS_BIND_ADDRESS says", async () => {
    expect(await startWeb({ METRICS_BIND_ADDRESS: "0.0.0.0" })).toEqual({ app: "127.0.0.1", metrics: "0.0.0.0" });
  });
});
