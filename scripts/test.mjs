// `npm test`: start the services the suites need, build the app (HTTP-level tests load the real server
// build), then run the whole Vitest suite. Extra arguments go to Vitest.
import { spawnSync } from "node:child_process";
import { ensureServices } from "./ensure-services.mjs";

await ensureServices();

function step(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The same artifacts as `npm run build`: the Remix build and the compiled web/worker entries.
step("npx", ["remix", "vite:build", "--logLevel", "warn"]);
step(process.execPath, ["--import", "tsx", "scripts/build-server-entry.ts"]);
step("npx", ["vitest", "run", ...process.argv.slice(2)]);
