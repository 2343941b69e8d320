import type { IncomingMessage } from "node:http";
import type { ServerBuild } from "@remix-run/node";

// Webhook deliveries skip Remix's document/data request pipeline and go straight to the SAME route
// module's `action` (app/routes/webhooks.*.tsx): no second implementation, no second HMAC check — just
// less work per request on the hottest path. Shopify wants a 2xx within 5 s, and a flash sale is a burst
// of orders/paid; the full Remix handler (route matching, error boundaries, streamed body conversion) cost
// about half of each webhook's CPU. How a body is admitted and read (headers first, a byte budget, a
// deadline) is server/webhook-intake.ts.


type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;
type RawWebhook = { method: string; header(name: string): string | undefined; body: Buffer };
type WebhookAnswer = { status: number; text?: string };
type DeliveryHandler = (raw: RawWebhook) => Promise<WebhookAnswer>;

/** A path's raw handler (raw bytes in, status out) when the build has one, else its route's Remix action. */
export type WebhookRoute = { kind: "raw"; handle: DeliveryHandler } | { kind: "action"; action: Action };

export type WebhookLane = { match(req: IncomingMessage): WebhookRoute | null };

export function createWebhookLane(build: ServerBuild): WebhookLane {
  const routes = new Map<string, WebhookRoute>();
  for (const route of Object.values(build.routes)) {
    const action = (route.module as { action?: Action }).action;
    if (route.path?.startsWith("webhooks/") && action) routes.set(`/${route.path}`, { kind: "action", action });
  }
  // Raw handlers live in server code (route modules may only export what Remix knows), exported by the
  // build's entry: app/entry.server.tsx `webhookHandlers`.
  const raw = (build.entry.module as { webhookHandlers?: Record<string, DeliveryHandler> }).webhookHandlers ?? {};
  for (const [path, handle] of Object.entries(raw)) routes.set(path, { kind: "raw", handle });
  return {
    match(req) {
      if (req.method !== "POST") return null;
      const path = (req.url ?? "").split("?")[0] ?? "";
      return routes.get(path.endsWith("/") ? path.slice(0, -1) : path) ?? null;
    },
  };
}

/** The delivery as the route's handleDelivery wants it: node:http already lower-cased the header names. */
export function toRawWebhook(req: IncomingMessage, body: Buffer): RawWebhook {
  return {
    method: req.method ?? "POST",
    header(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    body,
  };
}

/** Answers one webhook delivery on the lane: raw handler or Remix action, whichever the route offers. */
export async function answerWebhook(route: WebhookRoute, req: IncomingMessage, body: Buffer): Promise<{ status: number; text?: string } | Response> {
  if (route.kind === "raw") return route.handle(toRawWebhook(req, body));
  return runWebhookAction(route.action, toWebhookRequest(req, `http://${req.headers.host ?? "localhost"}`, body));
}

export function toWebhookRequest(req: IncomingMessage, origin: string, body: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) value.forEach((item) => headers.append(name, item));
  }
  // The exact bytes Shopify signed: the route verifies the HMAC over them.
  const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
  return new Request(new URL(req.url ?? "/", origin), { method: "POST", headers, body: bytes });
}

export async function runWebhookAction(action: Action, request: Request): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} });
  } catch (thrown) {
    // Routes reject with a thrown Response (401, 400, 413, ...), as Remix expects.
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
