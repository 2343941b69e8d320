import { createServer, type Server } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import type { Services } from "../services";
import { checkHealth } from "./health.server";
import { metricsAccess } from "./metrics-auth.server";
import { outboxDepthOf } from "./outbox-depth.server";
import { renderMetrics } from "./render-metrics.server";

// A port of its own for GET /metrics and GET /healthz, nothing else. A worker process (`npm run worker
// --metrics-port N`) has no web server, yet it is where delivery latency and Meta errors are recorded in scale
// mode; a web process uses it when METRICS_PORT is set, to keep /metrics off the port the internet reaches.
// With METRICS_TOKEN set, /metrics wants the bearer token here too; /healthz stays open (it names no
// detail: app/observability/health.server.ts). Where it listens is the caller's to say, with no default here:
// every process reads it from METRICS_BIND_ADDRESS (127.0.0.1 unless set; docs/decisions/0037).
// Bound beyond loopback without METRICS_TOKEN, /metrics answers anyone who reaches the port: that may be meant
// (a private network), so it starts, but says so once in the log where the operator will look.

/** `address` and `port` as bound (server.address()): a port of 0 asked for a free one. */
export type MetricsServer = { address: string; port: number; close(): Promise<void> };

type Context = Pick<Services, "database" | "queue" | "worker" | "metrics"> & Partial<Pick<Services, "env" | "logger">>;

type Answer = { status: number; contentType: string; body: string; headers?: Record<string, string> };

export async function startMetricsServer(context: Context, port: number, host: string): Promise<MetricsServer> {
  const token = context.env?.METRICS_TOKEN;
  async function answer(path: string | undefined, authorization: string | undefined): Promise<Answer> {
    if (path === "/healthz") {
      const report = await checkHealth(context);
      return { status: report.ok ? 200 : 503, contentType: "application/json", body: JSON.stringify(report) };
    }
    if (path !== "/metrics") return { status: 404, contentType: "text/plain", body: "not found" };
    if (metricsAccess(token, authorization, "own") !== "allowed") {
      return { status: 401, contentType: "text/plain", body: "unauthorized", headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } };
    }
    const { contentType, body } = await renderMetrics(context.metrics, outboxDepthOf(context.database.db));
    return { status: 200, contentType, body };
  }

  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    answer((req.url ?? "/").split("?")[0], req.headers.authorization)
      .then(({ status, contentType, body, headers }) => res.writeHead(status, { "Content-Type": contentType, "Cache-Control": "no-store", ...headers }).end(body))
      .catch((error: unknown) => {
        context.logger?.error({ err: error }, "metrics port: answer failed");
        res.writeHead(500, { "Content-Type": "text/plain" }).end("error");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  if (token === undefined && !isLoopbackAddress(bound.address)) {
    context.logger?.warn(
      { address: bound.address, port: bound.port },
      "metrics port: /metrics is open to anyone who reaches this address; set METRICS_TOKEN, or listen on 127.0.0.1 unless the network is private",
    );
  }
  return {
    address: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** 127.0.0.0/8 and ::1 (an IPv4-mapped 127.x address too): only this host reaches a port bound there. */
export function isLoopbackAddress(address: string): boolean {
  const ipv4 = address.toLowerCase().startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  if (isIP(ipv4) === 4) return ipv4.startsWith("127.");
  return address === "::1";
}
