import { parseEnvOrExit } from "../app/env.server";
import { startServer } from "../server";

// `npm start`: the production web process (compiled to build/node/server.js by npm run build). Parses the
// environment first (one clear line and exit 1 on a bad variable), serves, and on SIGTERM/SIGINT stops
// accepting, lets in-flight webhook requests and Meta sends finish, then exits.
const config = parseEnvOrExit();
const { port, stop } = await startServer(config.PORT);
console.log(`tandem listening on http://localhost:${port}`);
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
