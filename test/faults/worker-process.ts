import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FaultApp } from "./fault-app";

// `npm run worker` as a real child process on the project's pinned Node (the one running the tests).
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type WorkerProcess = {
  child: ChildProcess;
  /** The worker's "ready" message: it is taking work, and on which port it serves /metrics (if asked to). */
  ready: Promise<{ metricsPort: number | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
};

export function spawnWorker(app: FaultApp, args: string[] = []): WorkerProcess {
  const namespaceArgs = app.namespace ? ["--queue-name", app.namespace.name, "--queue-prefix", app.namespace.prefix] : [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: app.databaseUrl,
    META_GRAPH_URL: app.sim.url,
    LOG_LEVEL: "warn",
  };
  if (app.namespace) env.REDIS_URL = app.web.env.REDIS_URL;
  else delete env.REDIS_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "bin/worker.ts", ...namespaceArgs, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<{ metricsPort: number | null }>((resolve, reject) => {
    child.on("message", (message: { type?: string; metricsPort?: number | null }) => {
      if (message.type === "ready") resolve({ metricsPort: message.metricsPort ?? null });
    });
    child.once("exit", (code, signal) => reject(new Error(`worker exited before ready (${code ?? signal}): ${stderr}`)));
  });
  // Tests that never wait for it must not see an unhandled rejection when the worker is killed.
  ready.catch(() => {});
  return { child, ready, exited, stderr: () => stderr };
}
