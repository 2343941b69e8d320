import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";

// The collector's door (issue 16): POST /collect straight from a shopper's browser, POST /proxy/collect through
// Shopify's App Proxy. Served from node:http like the webhook lane, never through Remix: it is the busiest
// public path, and its answers are bare statuses. The handler itself (app/collector/) lives in the server build,
// exported by its entry, so it shares the app context. This file only admits the bytes: the method, the size
// cap (read no further than 8 KB, whatever Content-Length claims) and CORS, which the browser needs to post at
// all — `Content-Type: text/plain` makes the request "simple", so a real browser sends no preflight, but
// OPTIONS is answered anyway. Before the body is read, and again once it is, the build's admission may shed the
// request (docs/decisions/0033): while webhooks press, or past the cap on requests admitted and not yet answered,
// it is answered 503 at once — never parsed, never written.

type CollectRequest = {
  path: string;
  query: string;
  header(name: string): string | undefined;
  body: Buffer;
  socketAddress: string | undefined;
};
type CollectHandler = (request: CollectRequest) => Promise<{ status: number }>;
type CollectSlot = { admitted: true; release(): void } | { admitted: false; reason: string };
type CollectAdmission = { beforeBody(): string | null; admit(): CollectSlot };
type CollectorEntry = { collectorHandler?: CollectHandler; collectorAdmission?(): CollectAdmission; configureCollector?(options: unknown): void };

export const COLLECT_PATHS = new Set(["/collect", "/proxy/collect"]);
export const MAX_COLLECT_BODY_BYTES = 8 * 1024;

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
};

export type CollectorLane = {
  /** Answers the request when it is the collector's; false otherwise. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
};

export function createCollectorLane(build: ServerBuild, options: { limits?: unknown; onError(error: unknown): void }): CollectorLane | null {
  const entry = build.entry.module as unknown as CollectorEntry;
  const handle = entry.collectorHandler;
  const admission = entry.collectorAdmission;
  if (handle === undefined || admission === undefined) return null;
  if (options.limits !== undefined) entry.configureCollector?.({ limits: options.limits });

  function finish(res: ServerResponse, status: number, close = false): void {
    if (res.headersSent) return;
    res.writeHead(status, { ...CORS, "Content-Length": "0", ...(close && { Connection: "close" }) }).end();
  }

  // The pixel's keepalive fetch never retries, so Retry-After speaks to any other client. A body left unread is
  // at most 8 KB when declared (node:http drops it and the connection lives on); an undeclared one could be any
  // length, so that connection is closed instead of read.
  function shed(req: IncomingMessage, res: ServerResponse, unread: boolean): void {
    if (res.headersSent) return;
    const close = unread && req.headers["content-length"] === undefined;
    if (close) res.on("finish", () => req.socket.destroy());
    res.writeHead(503, { ...CORS, "Content-Length": "0", "Retry-After": "1", ...(close && { Connection: "close" }) }).end();
  }

  return {
    serve(req, res) {
      const [path = "", query = ""] = (req.url ?? "").split("?", 2);
      if (!COLLECT_PATHS.has(path)) return false;
      if (req.method === "OPTIONS" || req.method !== "POST") {
        finish(res, req.method === "OPTIONS" ? 204 : 405);
        return true;
      }
      if (Number(req.headers["content-length"] ?? 0) > MAX_COLLECT_BODY_BYTES) {
        // Not read: the connection is closed after the answer instead.
        res.on("finish", () => req.socket.destroy());
        finish(res, 413, true);
        return true;
      }
      if (admission().beforeBody() !== null) {
        shed(req, res, true);
        return true;
      }
      const parts: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on("data", (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > MAX_COLLECT_BODY_BYTES) {
          // A chunked body that grows past the cap: answer now and stop reading.
          refused = true;
          res.on("finish", () => req.socket.destroy());
          finish(res, 413, true);
          return;
        }
        parts.push(chunk);
      });
      req.on("error", () => undefined);
      req.on("end", () => {
        if (refused) return;
        const slot = admission().admit();
        if (!slot.admitted) return shed(req, res, false);
        // Answered or abandoned, the slot is given back once ("close" follows "finish" and comes alone on an abort).
        res.once("close", slot.release);
        const request: CollectRequest = {
          path,
          query,
          header(name) {
            const value = req.headers[name];
            return Array.isArray(value) ? value.join(", ") : value;
          },
          body: Buffer.concat(parts, size),
          socketAddress: req.socket.remoteAddress,
        };
        handle(request)
          .then((answer) => finish(res, answer.status))
          .catch((error: unknown) => {
            options.onError(error);
            finish(res, 503);
          });
      });
      return true;
    },
  };
}
