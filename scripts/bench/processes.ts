import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { buildNodeEntry } from "../build-server-entry";
import type { AppCommand, AppReady, AppReply } from "./app-protocol";
import type { CollectLoadJob, LoadJob, LoadResult } from "./load-protocol";

// Starting and talking to the bench's other processes and threads.

const HERE = new URL(".", import.meta.url);
const TSX = ["--import", "tsx"];
// The same V8 flags as `npm start` / `npm run worker` (package.json): the bench measures what runs in production.
const RUNTIME_FLAGS = ["--disable-warning=ExperimentalWarning", "--max-semi-space-size=8", "--heap-growing-percent=50", ...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean)];
// BENCH_CPU_PROF=1: every app and worker process writes a V8 CPU profile to bench-profiles/ on exit.
const PROFILE_FLAGS = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir=bench-profiles"] : [];
type Command = AppCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

export type AppProcess = {
  port: number;
  baselinePort: number;
  /** The collector's baseline (json-baseline-server.ts), in the app's process. */
  collectBaselinePort: number;
  pid: number;
  call(command: Command): Promise<unknown>;
  stop(): Promise<number>;
};

// The app process runs compiled JavaScript, as `npm start` does (build/node/server.js): no TypeScript
// loader in the process whose memory and latency are measured.
const APP_PROCESS_JS = fileURLToPath(new URL("../../build/bench/app-process.js", HERE));

export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  await buildNodeEntry(fileURLToPath(new URL("app-process.ts", HERE)), APP_PROCESS_JS);
  const child = fork(APP_PROCESS_JS, [], {
    execArgv: [...RUNTIME_FLAGS, ...PROFILE_FLAGS],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const ready = await new Promise<AppReady>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`app process exited early (${code})`)));
    child.on("message", (message: AppReady | AppReply) => {
      if ("type" in message) return resolve(message);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
  });
  child.removeAllListeners("exit");
  return {
    port: ready.port,
    baselinePort: ready.baselinePort,
    collectBaselinePort: ready.collectBaselinePort,
    pid: child.pid ?? 0,
    call(command) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...command, id });
      });
    },
    async stop() {
      const rss = peakRss(child.pid);
      await terminate(child);
      return rss;
    },
  };
}

export type WorkerProcess = { pid: number; ready: Promise<void>; stop(): Promise<number> };

export function startWorkerProcess(env: Record<string, string>, args: string[] = []): WorkerProcess {
  // Compiled by `npm run build`, as `npm run worker` runs it.
  const child = spawn(process.execPath, [...RUNTIME_FLAGS, ...PROFILE_FLAGS, fileURLToPath(new URL("../../build/node/worker.js", HERE)), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`worker process exited before it was ready (${code})`)));
  });
  ready.catch(() => undefined); // reported to whoever awaits it; never an unhandled rejection
  return {
    pid: child.pid ?? 0,
    ready,
    async stop() {
      const rss = peakRss(child.pid);
      await terminate(child);
      return rss;
    },
  };
}

/** Peak resident set (VmHWM) of a live process, bytes; 0 when unknown. */
export function peakRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function terminate(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 0);
    });
    child.kill("SIGTERM");
  });
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return runGenerator("load-generator.ts", job);
}

export function runCollectLoad(job: CollectLoadJob): Promise<LoadResult> {
  return runGenerator("collect-load-generator.ts", job);
}

function runGenerator(script: string, job: LoadJob | CollectLoadJob): Promise<LoadResult> {
  const worker = new Worker(new URL(script, HERE), { workerData: job, execArgv: TSX });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}
