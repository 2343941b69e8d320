import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppContext } from "../context.server";
import { checkHealth } from "../server/health.server";
import { getMetrics } from "./metrics.server";
import { renderMetrics } from "./render-metrics.server";

// A worker process (`npm run worker --metrics-port N`) has no web server, yet it is where delivery latency
// and Meta errors are recorded in scale mode. This tiny server gives Prometheus something to scrape per
// worker, and an orchestrator a liveness probe: GET /metrics and GET /healthz, nothing else.

export type MetricsServer = { port: number; close(): Promise<void> };

type Context = Pick<AppContext, "database" | "queue" | "outbox" | "worker">;

export async function startMetricsServer(context: Context, port: number, host = "0.0.0.0"): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const answer =
      path === "/metrics"
        ? renderMetrics(getMetrics(), context.outbox).then(({ contentType, body }) => ({ status: 200, contentType, body }))
        : path === "/healthz"
          ? checkHealth(context).then((report) => ({ status: report.ok ? 200 : 503, contentType: "application/json", body: JSON.stringify(report) }))
          : Promise.resolve({ status: 404, contentType: "text/plain", body: "not found" });
    answer
      .then(({ status, contentType, body }) => res.writeHead(status, { "Content-Type": contentType, "Cache-Control": "no-store" }).end(body))
      .catch((error: unknown) => {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(error instanceof Error ? error.message : "error");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
