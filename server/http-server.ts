import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Readable } from "node:stream";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { Services } from "../app/services";
import { createWebhookLane } from "./webhook-lane";
import { createCollectorLane } from "./collector-lane";
import { createWebhookIntake } from "./webhook-intake";
import { createIntakeBudget, DEFAULT_INTAKE_BUDGET, type IntakeBudgetLimits } from "./intake-budget";
import { writeResponse } from "./write-response";
import { appRoot } from "../app/app-root.server";
import { webhookRejectionResult } from "../app/observability/webhook-result";

// Production entry: a plain Node HTTP server around the Remix server build. It also owns the process
// lifecycle — the inline delivery worker starts with it and SIGTERM stops both gracefully.

// The app's root (where package.json is): this file runs as server/http-server.ts in development and tests, and
// compiled as build/node/server.js in production (scripts/build-server-entry.ts).
const ROOT = appRoot(fileURLToPath(new URL(".", import.meta.url)));
const CLIENT_DIR = join(ROOT, "build/client");
const MIME: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

type BackgroundEntry = {
  startBackground(): Promise<void>;
  stopBackground(): Promise<void>;
  getAppContext(): Promise<Services>;
};

function serveStatic(req: IncomingMessage, res: ServerResponse): boolean {
  const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/"));
  if (!path.startsWith("/assets/") && path !== "/favicon.ico") return false;
  const file = join(CLIENT_DIR, path);
  if (!file.startsWith(CLIENT_DIR) || !existsSync(file) || !statSync(file).isFile()) return false;
  res.writeHead(200, {
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Cache-Control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
  });
  createReadStream(file).pipe(res);
  return true;
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((item) => headers.append(name, item));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal,
    // Node's fetch needs this for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

export type ServerOptions = {
  /** Address to listen on (BIND_ADDRESS); 127.0.0.1 unless told otherwise. */
  host?: string;
  buildPath?: string;
  /** Budget for webhook body bytes in flight (server/intake-budget.ts). */
  intakeBudget?: IntakeBudgetLimits;
  /** Time for a webhook body to arrive once its headers have (then 408 and the connection is cut). */
  bodyDeadlineMs?: number;
  /** Time for a request's headers to arrive (node:http `headersTimeout`). */
  headersTimeoutMs?: number;
  /** Time for a whole request to arrive (node:http `requestTimeout`), whatever its route. */
  requestTimeoutMs?: number;
  /** The collector's rate limits (app/collector/collect-handler.server.ts CollectorLimits); default there. */
  collectorLimits?: unknown;
};

// Defaults sized for Shopify, which sends a webhook's headers and its (small) body at once and gives us 5 s to
// answer: anything slower than this is not Shopify, and holding it would only hold memory (decision 0019).
const MAX_OTHER_BODY_BYTES = 1024 * 1024;

export const SERVER_DEFAULTS = { host: "127.0.0.1", bodyDeadlineMs: 10_000, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

export async function startServer(port: number, optionsOrBuildPath: ServerOptions | string = {}) {
  const options = typeof optionsOrBuildPath === "string" ? { buildPath: optionsOrBuildPath } : optionsOrBuildPath;
  const buildPath = options.buildPath ?? join(ROOT, "build/server/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const background = build.entry.module as unknown as BackgroundEntry;
  await background.startBackground();
  // One registry for the process: the HTTP layer records into the instruments the composition root built.
  const { logger, env, metrics } = await background.getAppContext();
  const handle = createRequestHandler(build, "production");
  const webhooks = createWebhookLane(build);
  const budget = createIntakeBudget(options.intakeBudget ?? DEFAULT_INTAKE_BUDGET);
  metrics.watchIntakeBytes(() => budget.inUse().total);
  const failed = (error: unknown) => logger.error({ err: error }, "request failed");
  const collector = createCollectorLane(build, { limits: options.collectorLimits, onError: failed });
  const intake = createWebhookIntake(
    { budget, secret: env.SHOPIFY_API_SECRET, bodyDeadlineMs: options.bodyDeadlineMs ?? SERVER_DEFAULTS.bodyDeadlineMs },
    {
      refused(reason, status, req) {
        metrics.recordIntakeRefused(reason);
        // Also under the route's topic, as when the route itself refuses: /webhooks/orders/paid → orders/paid.
        const topic = (req.url ?? "").split("?")[0]?.replace(/^\/webhooks\//, "").replace(/\/$/, "") ?? "";
        metrics.recordWebhook(topic, webhookRejectionResult(status));
      },
      aborted: () => metrics.recordAbortedRequest(),
      failed,
    },
  );
  const requestTimeout = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;

  // Sockets whose request a handler is answering: that handler counts the request if its client goes away.
  const answering = new WeakSet<object>();
  const answeredUnread = new WeakSet<object>();
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs,
      requestTimeout,
      // How often node:http looks for requests past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    (req, res) => {
      answering.add(req.socket);
      res.on("close", () => answering.delete(req.socket));
      // Answered before its body was read (refused from the headers, over budget, too slow): the client's
      // closing mid-body afterwards is expected, not an abort.
      res.on("finish", () => {
        if (!req.complete) answeredUnread.add(req.socket);
      });
      if ((req.method === "GET" || req.method === "HEAD") && serveStatic(req, res)) return;
      if (collector?.serve(req, res)) return;
      const webhookRoute = webhooks.match(req);
      if (webhookRoute) return void intake(webhookRoute, req, res);
      // The admin's forms are a few KB; nothing else posts here. A declared body over 1 MB is not read.
      if (Number(req.headers["content-length"] ?? 0) > MAX_OTHER_BODY_BYTES) {
        return void res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" }).end("payload too large", () => req.socket.destroy());
      }
      const controller = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const origin = `http://${req.headers.host ?? "localhost"}`;
      handle(toRequest(req, origin, controller.signal))
        .then((response) => writeResponse(res, response))
        .catch((error: unknown) => {
          if (controller.signal.aborted || req.destroyed) return metrics.recordAbortedRequest();
          failed(error);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    },
  );
  // A connection that errs outside a handler's reach: a malformed request line, headers too large or too slow,
  // a client that closed or reset mid-request. Answered as node:http would, but counted, never logged.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    const inHandler = answering.has(socket);
    const gone = error.code === "ECONNRESET" || error.code === "HPE_INVALID_EOF_STATE" || !socket.writable;
    if (gone || inHandler) {
      if (!inHandler && !answeredUnread.has(socket)) metrics.recordAbortedRequest();
      return void socket.destroy();
    }
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const reason = status === 408 ? "Request Timeout" : status === 431 ? "Request Header Fields Too Large" : "Bad Request";
    answeredUnread.add(socket);
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? SERVER_DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;

  async function stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // In-flight requests get a grace period to finish; a connection still open after it (a client that
    // never finishes sending, say) is cut so shutdown cannot hang.
    const grace = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(grace);
    await background.stopBackground();
  }
  return { port: boundPort, host, stop, server, appContext: () => background.getAppContext() };
}
