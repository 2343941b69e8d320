import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FaultApp } from "./fault-app";

// `npm run worker` as a real child process on the project's pinned Node (the one running the tests).
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type WorkerProcess = {
  child: ChildProcess;
  /** The worker's "ready" message: it is taking work, and where it serves /metrics (if asked to), as bound. */
  ready: Promise<Ready>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
};

type Ready = { metricsPort: number | null; metricsAddress: string | null };

/** `env` is laid over the test's environment; an undefined value leaves that variable out. */
export function spawnWorker(app: FaultApp, args: string[] = [], env: Record<string, string | undefined> = {}): WorkerProcess {
  const namespaceArgs = app.namespace ? ["--queue-name", app.namespace.name, "--queue-prefix", app.namespace.prefix] : [];
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: app.databaseUrl,
    META_GRAPH_URL: app.sim.url,
    LOG_LEVEL: "warn",
  };
  if (app.namespace) childEnv.REDIS_URL = app.web.env.REDIS_URL;
  else delete childEnv.REDIS_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "bin/worker.ts", ...namespaceArgs, ...args], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    child.on("message", (message: { type?: string } & Partial<Ready>) => {
      if (message.type === "ready") resolve({ metricsPort: message.metricsPort ?? null, metricsAddress: message.metricsAddress ?? null });
    });
    child.once("exit", (code, signal) => reject(new Error(`worker exited before ready (${code ?? signal}): ${stderr}`)));
  });
  // Tests that never wait for it must not see an unhandled rejection when the worker is killed.
  ready.catch(() => {});
  return { child, ready, exited, stderr: () => stderr };
}
