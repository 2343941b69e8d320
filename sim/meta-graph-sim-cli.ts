import { parseArgs } from "node:util";
import { startMetaSimulator } from "./meta-graph-sim";

// Manual use: npx tsx sim/meta-graph-sim-cli.ts --port 4010 --pixel 1234567890:test-token [--pixel ...]
// Then point META_GRAPH_URL at the printed URL and read GET /__sim/state.

function main(): Promise<void> | void {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      pixel: { type: "string", multiple: true, default: [] },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer between 0 and 65535, got "${values.port}"`);
    process.exitCode = 2;
    return;
  }
  const pixels: Record<string, string> = {};
  for (const spec of values.pixel) {
    const at = spec.indexOf(":");
    if (at <= 0 || at === spec.length - 1) {
      console.error(`--pixel must look like <pixelId>:<accessToken>, got "${spec}"`);
      process.exitCode = 2;
      return;
    }
    pixels[spec.slice(0, at)] = spec.slice(at + 1);
  }
  return startMetaSimulator({ port, host: values.host, pixels }).then((sim) => {
    // Pixel ids only: tokens are secrets even when they are test values.
    console.log(`meta simulator listening on ${sim.url} (pixels: ${Object.keys(pixels).join(", ") || "none"})`);
    console.log(`state: ${sim.url}/__sim/state`);
    const stop = () => {
      sim.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

void main();
