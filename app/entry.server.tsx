import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify/app.server";
import { closeAppContext, getAppContext } from "./context.server";
import { handleOrdersPaidDelivery } from "./webhooks/orders-paid-delivery.server";
import type { RawWebhook } from "./webhooks/raw-webhook.server";
import { collectorAdmission as currentCollectorAdmission, configureCollector, handleCollectRequest } from "./collector/collector.server";
import type { CollectRequest } from "./collector/collect-handler.server";

const ABORT_DELAY = 5_000;

// server/http-server.ts reaches these through build.entry.module: they must live inside the server build so the
// web process and the inline worker share one app context (one database pool, one worker).
export async function startBackground(): Promise<void> {
  await getAppContext();
}
export async function stopBackground(): Promise<void> {
  await closeAppContext();
}
// Scripts that run the built server in-process (demo, bench) reach the same context through this.
export { getAppContext };
// Webhook paths answered straight from node:http with the raw body (server/webhook-lane.ts). Each is the
// same code as its route's Remix action; the other webhook routes go through their action.
export const webhookHandlers = { "/webhooks/orders/paid": (raw: RawWebhook) => handleOrdersPaidDelivery(getAppContext, raw) };
// The collector (POST /collect, /proxy/collect), answered straight from node:http by server/collector-lane.ts.
export const collectorHandler = (request: CollectRequest) => handleCollectRequest(getAppContext, request);
// Asked before the collector reads a body: it gives way while webhooks press, and caps its own pending work.
export const collectorAdmission = () => currentCollectorAdmission(getAppContext);
export { configureCollector };

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}
