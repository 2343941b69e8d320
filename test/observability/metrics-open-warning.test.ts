import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isLoopbackAddress } from "../../app/observability/metrics-server.server";
import { waitFor } from "../support/wait";

// A metrics port bound beyond loopback without METRICS_TOKEN serves /metrics to anyone who reaches it
// (docs/decisions/0037). It may be meant, so the process starts, but says so in one warning line at start.
// Real processes (bin/web.ts, bin/worker.ts from source) whose pino log on stdout is read after they exit.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOKEN = "metrics-token-never-logged-0123";
const WARNING = /^metrics port: \/metrics is open to anyone who reaches this address/;

const dir = mkdtempSync(join(tmpdir(), "tandem-metrics-warning-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type LogLine = { level: number; msg: string; address?: string; port?: number };

/** The process's pino lines (JSON on stdout); its other output (the start lines) is left out. */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // An undefined value leaves the variable out of the child's environment.
  return {
    ...process.env,
    DATABASE_URL: `file:${join(dir, `${Math.random().toString(36).slice(2)}.sqlite`)}`,
    LOG_LEVEL: "warn",
    BIND_ADDRESS: undefined,
    METRICS_BIND_ADDRESS: undefined,
    METRICS_TOKEN: undefined,
    REDIS_URL: undefined,
    ...env,
  };
}

/** Starts the process, waits until `started` holds for its stdout, stops it with SIGTERM; all it wrote. */
async function runUntil(args: string[], env: NodeJS.ProcessEnv, started: (stdout: string) => boolean, ipc = false): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe", ...(ipc ? (["ipc"] as const) : [])],
  });
  let stdout = "";
  let stderr = "";
  let ready = false;
  child.stdout?.on("data", (chunk: Buffer) => void (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
  child.on("message", (message: { type?: string }) => void (ready ||= message.type === "ready"));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitFor(() => ready || started(stdout) || child.exitCode !== null, 30_000, "metrics port listening");
    expect(child.exitCode, `${stdout}\n${stderr}`).toBeNull();
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  return { stdout, stderr };
}

function web(env: Record<string, string | undefined>) {
  // bin/web.ts loads the Remix build (the one npm test builds), as test/observability/metrics-bind-address does.
  return runUntil(["bin/web.ts"], childEnv({ PORT: "0", METRICS_PORT: "0", WORKER: "off", ...env }), (stdout) => /tandem metrics on port \d+/.test(stdout));
}

function worker(args: string[], env: Record<string, string | undefined> = {}) {
  return runUntil(["bin/worker.ts", "--metrics-port", "0", ...args], childEnv(env), () => false, true);
}

function warnings(output: { stdout: string }): LogLine[] {
  return logLines(output.stdout).filter((line) => WARNING.test(line.msg));
}

describe("the metrics port's warning when it is open beyond loopback without METRICS_TOKEN", () => {
  it("web (METRICS_PORT): one warning line for 0.0.0.0 without a token, none on 127.0.0.1 or with a token", async () => {
    const open = await web({ METRICS_BIND_ADDRESS: "0.0.0.0" });
    expect(warnings(open), open.stdout).toMatchObject([{ level: 40, address: "0.0.0.0", port: expect.any(Number) }]);

    const loopback = await web({});
    expect(loopback.stdout).toMatch(/bound to 127\.0\.0\.1/);
    expect(warnings(loopback), loopback.stdout).toEqual([]);

    const guarded = await web({ METRICS_BIND_ADDRESS: "0.0.0.0", METRICS_TOKEN: TOKEN });
    expect(guarded.stdout).toMatch(/tandem metrics on port \d+ \(bound to 0\.0\.0\.0\)/);
    expect(warnings(guarded), guarded.stdout).toEqual([]);
    expect(`${guarded.stdout}${guarded.stderr}`).not.toContain(TOKEN);
  }, 120_000);

  it("worker (--metrics-port): one warning line for --metrics-host 0.0.0.0 without a token, none on 127.0.0.1 or with a token", async () => {
    const open = await worker(["--metrics-host", "0.0.0.0"]);
    expect(warnings(open), open.stdout).toMatchObject([{ level: 40, address: "0.0.0.0", port: expect.any(Number) }]);

    const loopback = await worker([]);
    expect(warnings(loopback), loopback.stdout).toEqual([]);

    const guarded = await worker(["--metrics-host", "0.0.0.0"], { METRICS_TOKEN: TOKEN });
    expect(warnings(guarded), guarded.stdout).toEqual([]);
    expect(`${guarded.stdout}${guarded.stderr}`).not.toContain(TOKEN);
  }, 120_000);
});

describe("isLoopbackAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.5", false],
    ["::ffff:10.0.0.5", false],
    ["fe80::1", false],
  ])("%s → %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
