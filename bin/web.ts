import { parseEnvOrExit } from "../app/env.server";
import { startMetricsServer, type MetricsServer } from "../app/observability/metrics-server.server";
import { startServer } from "../server/http-server";

// `npm start`: the production web process (compiled to build/node/server.js by npm run build). Parses the
// environment first (one clear line and exit 1 on a bad variable), serves, and on SIGTERM/SIGINT stops
// accepting, lets in-flight webhook requests and Meta sends finish, then exits.
const config = parseEnvOrExit();
const { port, host, stop, appContext } = await startServer(config.PORT, { host: config.BIND_ADDRESS });
console.log(`tandem listening on http://localhost:${port} (bound to ${host})`);
// METRICS_PORT: /metrics (and /healthz) on a port of their own, as `npm run worker --metrics-port` does, on
// METRICS_BIND_ADDRESS rather than BIND_ADDRESS: opening the app to a load balancer does not open its metrics.
let metricsServer: MetricsServer | undefined;
if (config.METRICS_PORT !== undefined) {
  metricsServer = await startMetricsServer(await appContext(), config.METRICS_PORT, config.METRICS_BIND_ADDRESS);
  console.log(`tandem metrics on port ${metricsServer.port} (bound to ${metricsServer.address})`);
}
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    Promise.all([metricsServer?.close(), stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
