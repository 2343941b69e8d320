import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkWebhookHeaders } from "../app/webhooks/raw-webhook.server";
import { MAX_WEBHOOK_BYTES } from "../app/webhooks/limits";
import { createBodyBuffers, type BodyBuffers } from "./body-buffers";
import type { IntakeBudget } from "./intake-budget";
import { answerWebhook, type WebhookRoute } from "./webhook-lane";
import { writeResponse } from "./write-response";

// Bounded intake for the webhook lane (docs/decisions/0019). In order, before a request may cost memory:
//   1. the headers alone: a signature that cannot be one → 401, a Shopify header missing or a shop that is
//      not `<name>.myshopify.com` → 400 — the body is never read;
//   2. the declared size: over the limit → 413;
//   3. the budget: its bytes reserved, or 503 + `Connection: close` (Shopify retries);
//   4. the body, read into one buffer of its declared size within a deadline, else 408, its HMAC computed
//      chunk by chunk as it arrives: a forged body is answered 401 without reaching a route, and no 5 MB
//      signature check ever runs as one block on the event loop.
// A client that goes away is counted, not logged: an aborted upload is the client's business, and a log line
// per abort would let anyone fill the logs.

export type IntakeOptions = {
  budget: IntakeBudget;
  /** The app's API secret: the key of X-Shopify-Hmac-Sha256. */
  secret: string;
  /** From the first body byte awaited to the last received; a slower body is answered 408 and cut. */
  bodyDeadlineMs: number;
  maxBodyBytes?: number;
};

export type IntakeEvents = {
  refused(reason: IntakeRefusal, status: number, req: IncomingMessage): void;
  aborted(): void;
  failed(error: unknown): void;
};

export const INTAKE_REFUSALS = ["bad_signature_header", "bad_headers", "too_large", "over_budget", "body_timeout", "bad_signature"] as const;
export type IntakeRefusal = (typeof INTAKE_REFUSALS)[number];

/** Bodies this small are drained when refused, so the connection (and Shopify's keep-alive) survives. */
const DRAIN_BYTES = 64 * 1024;

type Body = { kind: "body"; body: Buffer; signature: string } | { kind: "timeout" } | { kind: "too_large" } | { kind: "aborted" };

export function createWebhookIntake(options: IntakeOptions, events: IntakeEvents) {
  const maxBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  // As many kept buffers as large bodies of the maximum size fit in the budget's large share at once.
  const { largeBodyBytes, largeShareBytes } = options.budget.limits;
  const buffers = createBodyBuffers({ slabBytes: maxBytes, keep: Math.max(1, Math.floor(largeShareBytes / maxBytes)), largeFrom: largeBodyBytes });

  function refuse(res: ServerResponse, req: IncomingMessage, reason: IntakeRefusal, status: number, text: string, declared: number | null): void {
    events.refused(reason, status, req);
    const keepAlive = declared !== null && declared <= DRAIN_BYTES && status !== 503 && status !== 408;
    const headers: Record<string, string> = { "Content-Type": "text/plain" };
    if (!keepAlive) headers.Connection = "close";
    if (status === 503) headers["Retry-After"] = "5";
    // A small unread body is drained (cheap: nothing is kept). A large one is not read at all: the socket is
    // closed as soon as the answer is handed to the kernel — node:http would otherwise read (and drop) what
    // the client keeps sending until its close completes, which is the attacker's CPU spent by us.
    if (keepAlive) {
      res.writeHead(status, headers).end(text);
      req.resume();
      return;
    }
    res.writeHead(status, headers).end(text, () => req.socket.destroy());
  }

  return async function handle(route: WebhookRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = declaredLength(req);
    const headers = checkWebhookHeaders((name) => headerValue(req, name));
    if (!headers.ok) {
      const reason = headers.answer.status === 401 ? "bad_signature_header" : "bad_headers";
      return refuse(res, req, reason, headers.answer.status, headers.answer.text ?? "rejected", declared);
    }
    if (declared !== null && declared > maxBytes) return refuse(res, req, "too_large", 413, "payload too large", declared);

    const reservation = options.budget.reserve(declared ?? maxBytes);
    if (reservation === null) return refuse(res, req, "over_budget", 503, "busy, retry later", declared);
    let held: Buffer | null = null;
    try {
      const read = await readBodyWithin(req, declared, maxBytes, options.bodyDeadlineMs, options.secret, buffers);
      if (read.kind === "body") held = read.body;
      if (read.kind === "aborted") return events.aborted();
      if (read.kind === "timeout") return refuse(res, req, "body_timeout", 408, "request body too slow", null);
      if (read.kind === "too_large") return refuse(res, req, "too_large", 413, "payload too large", null);
      // The route checks the signature again (the same rule); this answers a forgery before any route work.
      if (!sameText(read.signature, headerValue(req, "x-shopify-hmac-sha256") ?? "")) return refuse(res, req, "bad_signature", 401, "unauthorized", 0);
      const answer = await answerWebhook(route, req, read.body);
      if (answer instanceof Response) return await writeResponse(res, answer);
      if (answer.text === undefined) return void res.writeHead(answer.status).end();
      res.writeHead(answer.status, { "Content-Type": "text/plain" }).end(answer.text);
    } catch (error) {
      if (res.destroyed || req.destroyed) return events.aborted();
      events.failed(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    } finally {
      // The route is done with the bytes (it parsed them, or copied them into a Request): reuse them.
      if (held !== null) buffers.give(held);
      reservation.release();
    }
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers["content-length"];
  if (value === undefined) return null;
  const length = Number(value);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Reads the body into one buffer: of its declared size when there is one (no chunk list, no second copy), else
 * grown up to `maxBytes`. Settles once: the body, a deadline passed, too large, or the client gone.
 */
export function readBodyWithin(
  req: IncomingMessage,
  declared: number | null,
  maxBytes: number,
  deadlineMs: number,
  secret: string,
  buffers: BodyBuffers,
): Promise<Body> {
  return new Promise((resolve) => {
    let settled = false;
    const hmac = createHmac("sha256", secret);
    let buffer = declared !== null ? buffers.take(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;

    function finish(outcome: Body): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      if (outcome.kind !== "body" && buffer !== null) buffers.give(buffer);
      buffer = null;
      chunks.length = 0;
      if (outcome.kind !== "body") {
        // Stop reading: nothing more of this body is wanted.
        req.pause();
      }
      resolve(outcome);
    }
    function onData(chunk: Buffer): void {
      if (size + chunk.length > maxBytes || (declared !== null && size + chunk.length > declared)) return finish({ kind: "too_large" });
      if (buffer !== null) chunk.copy(buffer, size);
      else chunks.push(chunk);
      hmac.update(chunk);
      size += chunk.length;
    }
    function onEnd(): void {
      const signature = hmac.digest("base64");
      if (buffer !== null) return finish({ kind: "body", body: size === buffer.length ? buffer : buffer.subarray(0, size), signature });
      finish({ kind: "body", body: Buffer.concat(chunks, size), signature });
    }
    function onAborted(): void {
      finish({ kind: "aborted" });
    }
    function onClose(): void {
      if (!req.complete) finish({ kind: "aborted" });
    }
    const timer = setTimeout(() => finish({ kind: "timeout" }), deadlineMs);
    req.on("data", onData);
    req.on("end", onEnd);
    // Kept after settling too: a client that goes away later is no error of ours.
    req.on("error", onAborted);
    req.on("close", onClose);
  });
}
