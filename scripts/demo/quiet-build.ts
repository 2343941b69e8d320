import { spawn } from "node:child_process";

// `npm run demo` should open with the demo, not fifty lines of bundler output: the build runs with its output
// captured, and that output is shown only when the build fails.

export type QuietRun = { ok: boolean; output: string };

export function runQuietly(command: string, args: readonly string[], cwd = process.cwd()): Promise<QuietRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", (error) => resolve({ ok: false, output: error.message }));
    child.on("close", (code) => resolve({ ok: code === 0, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

/** Builds the app like `npm run build`, silently; on failure prints what the build said and exits 1. */
export async function buildQuietly(): Promise<void> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = await runQuietly(npm, ["run", "build", "--silent"]);
  if (result.ok) return;
  process.stderr.write(result.output);
  console.error("demo: the build failed (its output is above)");
  process.exit(1);
}
