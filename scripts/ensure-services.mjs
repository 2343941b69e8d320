// Starts what the test suite needs when it is not already running: PostgreSQL, Redis, and Debian's
// Chromium for the browser tests. Idempotent; used by `npm test` and .ci/run.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";

function portOpen(port, host = "127.0.0.1", timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitForPort(port, seconds) {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (await portOpen(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function run(command) {
  const result = spawnSync("bash", ["-c", command], { stdio: "inherit" });
  return result.status === 0;
}

export async function ensurePostgres() {
  if (await portOpen(5432)) return;
  console.log("[services] starting PostgreSQL");
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  for (const version of versions) run(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`);
  if (!(await waitForPort(5432, 30))) throw new Error("PostgreSQL did not start on 127.0.0.1:5432");
}

export async function ensureRedis() {
  if (await portOpen(6379)) return;
  console.log("[services] starting Redis");
  run(
    'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  );
  if (!(await waitForPort(6379, 30))) throw new Error("Redis did not start on 127.0.0.1:6379");
}

export function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  console.log("[services] installing Debian's chromium for the browser tests");
  const ok = run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null");
  if (!ok || !existsSync("/usr/bin/chromium")) throw new Error("could not install chromium (apt-get install chromium)");
}

export async function ensureServices() {
  await ensurePostgres();
  await ensureRedis();
  ensureChromium();
  execSync("true");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await ensureServices();
}
