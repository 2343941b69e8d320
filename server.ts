import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Readable } from "node:stream";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { AppContext } from "./app/context.server";
import { answerWebhook, createWebhookLane, PayloadTooLarge, readBody } from "./server/webhook-lane";
import { appRoot } from "./app/server/app-root.server";

// Production entry: a plain Node HTTP server around the Remix server build. It also owns the process
// lifecycle — the inline delivery worker starts with it and SIGTERM stops both gracefully.

// The app's root (where package.json is): this file runs as server.ts in development and tests, and
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
  getAppContext(): Promise<AppContext>;
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

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body) return void res.end();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}

export async function startServer(port: number, buildPath = join(ROOT, "build/server/index.js")) {
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const background = build.entry.module as unknown as BackgroundEntry;
  await background.startBackground();
  const handle = createRequestHandler(build, "production");
  const webhooks = createWebhookLane(build);

  const server = createServer((req, res) => {
    if ((req.method === "GET" || req.method === "HEAD") && serveStatic(req, res)) return;
    const webhookRoute = webhooks.match(req);
    if (webhookRoute) {
      readBody(req)
        .then((body) => answerWebhook(webhookRoute, req, body))
        .then((answer) => {
          if (answer instanceof Response) return writeResponse(res, answer);
          if (answer.text === undefined) return void res.writeHead(answer.status).end();
          res.writeHead(answer.status, { "Content-Type": "text/plain" }).end(answer.text);
        })
        .catch((error: unknown) => {
          if (error instanceof PayloadTooLarge) {
            res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" }).end("payload too large");
            return;
          }
          console.error(error);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      return;
    }
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const origin = `http://${req.headers.host ?? "localhost"}`;
    handle(toRequest(req, origin, controller.signal))
      .then((response) => writeResponse(res, response))
      .catch((error: unknown) => {
        console.error(error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, "0.0.0.0", resolve));
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
  return { port: boundPort, stop, server, appContext: () => background.getAppContext() };
}
