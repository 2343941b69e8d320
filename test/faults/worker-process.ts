import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FaultApp } from "./fault-app";

// `npm run worker` as a real child process on the project's pinned Node (the one running the tests).
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type WorkerProcess = {
  child: ChildProcess;
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
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", ...namespaceArgs, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, stderr: () => stderr };
}
