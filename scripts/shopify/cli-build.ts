// Runs `shopify app build` — the Shopify CLI from node_modules, as a developer runs it before deploying — on a
// copy of the app, offline. A copy, because the CLI empties extensions/web-pixel/dist, which other tests and
// the demo read; and because tests break the copy on purpose to prove the checks can fail.
//
// The CLI exits 0 even when its theme check reports an error or esbuild warns, so success is judged from what
// it prints: `cliBuildProblems` returns every error or warning line.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI_ENTRY = join(ROOT, "node_modules/@shopify/cli/bin/run.js");
// The project's pinned Node 22 (the `node` dev dependency); the machine's own node may be older.
const PINNED_NODE = join(ROOT, "node_modules/node/bin/node");

/** What the CLI needs: the tomls, the extensions (without built output), and the sources the pixel imports. */
const APP_FILES = ["shopify.app.toml", "shopify.web.toml", "package.json", "tsconfig.json", "extensions", "app"];
const SKIPPED = new Set(["dist", "node_modules"]);

export const PIXEL_HANDLE = "tandem-meta-pixel";
export const THEME_HANDLE = "tandem-storefront-capture";

export type CliRun = { exitCode: number | null; output: string; durationMs: number };
export type CliBuild = CliRun & { appDir: string; pixelFile: string; problems: string[] };

/** Copies what `shopify app build` reads into a fresh temp folder; node_modules is a symlink. */
export async function copyAppForCli(): Promise<string> {
  const appDir = await mkdtemp(join(tmpdir(), "tandem-cli-"));
  for (const entry of APP_FILES) {
    await cp(join(ROOT, entry), join(appDir, entry), {
      recursive: true,
      filter: (source) => !SKIPPED.has(basename(source)),
    });
  }
  await symlink(join(ROOT, "node_modules"), join(appDir, "node_modules"), "dir");
  return appDir;
}

function cliEnv(appDir: string): NodeJS.ProcessEnv {
  const cache = join(appDir, ".cache");
  return {
    ...process.env,
    CI: "1", // never prompt
    SHOPIFY_CLI_NO_ANALYTICS: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    COLUMNS: "400", // one message per line: the CLI wraps at the terminal width
    // The same answer on every machine, online or not. theme-check inside the CLI would fetch Liquid docs
    // from GitHub into the user cache: a local folder that does not exist makes it use the docs shipped in
    // the installed package. The CLI shows notices it fetched from Shopify's CDN (some are warnings) and
    // caches them in its config: a loopback address that refuses and a fresh config folder keep them out.
    SHOPIFY_TLD_ROOT: join(cache, "no-remote-docs"),
    SHOPIFY_CLI_NOTIFICATIONS_URL: "http://127.0.0.1:9/notifications.json",
    XDG_CACHE_HOME: cache,
    XDG_CONFIG_HOME: join(cache, "config"),
  };
}

/** Runs the CLI with stdin closed; resolves when it exits (or is killed after `timeoutMs`). */
export function runShopifyCli(args: string[], appDir: string, timeoutMs = 60_000): Promise<CliRun> {
  const node = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [CLI_ENTRY, ...args, "--no-color", "--path", appDir], {
      cwd: appDir,
      env: cliEnv(appDir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, output, durationMs: Date.now() - started });
    });
  });
}

// theme-check prints `[error]:`/`[warning]:`, esbuild `✘ [ERROR]`/`▲ [WARNING]`, the CLI an `╭─ error` box.
const PROBLEM = /\[(error|warning)\]|╭─ (error|warning)/i;

/** Every line of CLI output that reports an error or a warning. */
export function cliBuildProblems(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => PROBLEM.test(line))
    .map((line) => line.trim());
}

/** `shopify app build` on `appDir` (a fresh copy of the app when omitted). */
export async function buildWithCli(appDir?: string): Promise<CliBuild> {
  const dir = appDir ?? (await copyAppForCli());
  await mkdir(join(dir, ".cache"), { recursive: true });
  const run = await runShopifyCli(["app", "build", "--skip-dependencies-installation"], dir);
  return {
    ...run,
    appDir: dir,
    pixelFile: join(dir, "extensions/web-pixel/dist", `${PIXEL_HANDLE}.js`),
    problems: cliBuildProblems(run.output),
  };
}

export async function removeCopy(appDir: string): Promise<void> {
  await rm(appDir, { recursive: true, force: true });
}
