import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { graphErrorBody } from "./graph-error";
import { createDedupLedger, type EventNameCounts, type LedgerEntry, type PixelCounts } from "./meta-dedup-ledger";
import { diagnoseCustomData, type EventDiagnostic } from "./meta-event-diagnostics";
import { handleEventsRequest, type AcceptedEvent, type GraphRequestLog } from "./meta-events-handler";
import { createFailurePlan, type FailureInjection } from "./meta-failure-plan";
import { handleObjectRead, tokenFromRequest, type ObjectReadLog } from "./meta-object-read";
import { buildSimState, type SimState } from "./meta-sim-state";
import type { PixelRecord } from "./meta-token-check";
import { handleTrRequest, TR_CORS_HEADERS } from "./meta-tr-handler";
import type { BrowserEvent } from "./meta-tr-rules";
import { readBody, send, sleep } from "./sim-http";

export type { SimState };

// A local stand-in for graph.facebook.com (/{version}/{pixel}/events) and www.facebook.com/tr that enforces
// docs/meta-capi-facts.md. Independent of app/ on purpose: it checks the app instead of mirroring it.

export type MetaSimulatorOptions = {
  port?: number;
  host?: string;
  now?: () => number;
  pixels?: Record<string, string>;
};


export type MetaSimulator = {
  readonly url: string;
  readonly port: number;
  readonly accepted: readonly AcceptedEvent[];
  readonly browserEvents: readonly BrowserEvent[];
  readonly requests: readonly GraphRequestLog[];
  /** Every GET /{version}/{pixel} (a token check), with its outcome. */
  readonly reads: readonly ObjectReadLog[];
  readonly diagnostics: readonly EventDiagnostic[];
  ledger(): LedgerEntry[];
  doubleCounted(): LedgerEntry[];
  duplicateDeliveries(): LedgerEntry[];
  countsBy(pixelId: string): PixelCounts;
  countsByEvent(pixelId: string): Record<string, EventNameCounts>;
  state(): SimState;
  injectFailures(injection: FailureInjection): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  registerPixel(pixelId: string, token: string): void;
  expireToken(pixelId: string): void;
  reset(): void;
  close(): Promise<void>;
};

const EVENTS_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/events\/?$/;
const OBJECT_PATH = /^\/(v\d+\.\d+)\/(\d+)\/?$/;

export async function startMetaSimulator(options: MetaSimulatorOptions = {}): Promise<MetaSimulator> {
  const now = options.now ?? Date.now;
  const pixels = new Map<string, PixelRecord>();
  for (const [pixelId, token] of Object.entries(options.pixels ?? {})) pixels.set(pixelId, { token, expired: false });
  const ledger = createDedupLedger();
  const failures = createFailurePlan(now);
  let accepted: AcceptedEvent[] = [];
  let browserEvents: BrowserEvent[] = [];
  let requests: GraphRequestLog[] = [];
  let reads: ObjectReadLog[] = [];
  let diagnostics: EventDiagnostic[] = [];
  let latencyMs = 0;
  const holds = new Set<NodeJS.Timeout>();

  function state(): SimState {
    return buildSimState({ pixelIds: [...pixels.keys()], ledger, accepted, browserEvents, requests, diagnostics });
  }


  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    const rawBody = await readBody(req);
    if (latencyMs > 0) await sleep(latencyMs);
    const eventsMatch = EVENTS_PATH.exec(url.pathname);
    if (eventsMatch !== null && req.method === "POST") {
      const [, version, pixelId] = eventsMatch;
      const outcome = handleEventsRequest(
        { pixels, accepted, diagnostics, requests, ledger },
        {
          pixelId,
          version,
          rawBody,
          contentType: req.headers["content-type"] ?? "",
          query: url.searchParams,
          nowMs: now(),
          failure: failures.take(pixelId),
        },
      );
      if (outcome.kind === "hold") {
        // Never answer; drop the connection later, as a hung upstream does.
        const timer = setTimeout(() => {
          holds.delete(timer);
          req.socket.destroy();
        }, outcome.holdMs);
        holds.add(timer);
        return;
      }
      send(res, outcome.status, outcome.headers, outcome.body);
      return;
    }
    const objectMatch = OBJECT_PATH.exec(url.pathname);
    if (objectMatch !== null && req.method === "GET") {
      const outcome = handleObjectRead(
        { pixels, reads },
        { pixelId: objectMatch[2], token: tokenFromRequest(req.headers.authorization, url.searchParams), nowMs: now() },
      );
      return send(res, outcome.status, outcome.headers, outcome.body);
    }
    if (url.pathname === "/tr" || url.pathname === "/tr/") {
      if (req.method === "OPTIONS") return send(res, 204, TR_CORS_HEADERS, "");
      const outcome = handleTrRequest(
        url.searchParams,
        rawBody,
        req.headers["content-type"] ?? "",
        (id) => pixels.has(id), now());
      if (outcome.event !== null) {
        browserEvents.push(outcome.event);
        const { pixelId, eventName, eventId, userData, fbp } = outcome.event;
        const externalIds = userData.external_id === undefined ? [] : [userData.external_id];
        ledger.record(pixelId, eventName, eventId, "browser", now(), { externalIds, fbp });
        for (const problem of diagnoseCustomData(eventName, outcome.event.customData)) {
          diagnostics.push({ source: "browser", pixelId, eventName, eventId, problem });
        }
      }
      return send(res, outcome.status, { ...TR_CORS_HEADERS, "content-type": outcome.contentType }, outcome.body);
    }
    if (url.pathname === "/__sim/state" && req.method === "GET") {
      return send(res, 200, { "content-type": "application/json" }, JSON.stringify(state()));
    }
    send(res, 400, { "content-type": "application/json" }, JSON.stringify(graphErrorBody({
      message: `Unknown path components: ${url.pathname}`, type: "OAuthException", code: 2500, is_transient: false,
    })));
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      send(res, 500, { "content-type": "text/plain" }, `simulator bug: ${String(error)}`);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    get accepted() { return accepted; },
    get browserEvents() { return browserEvents; },
    get requests() { return requests; },
    get reads() { return reads; },
    get diagnostics() { return diagnostics; },
    ledger: () => ledger.entries(),
    doubleCounted: () => ledger.doubleCounted(),
    duplicateDeliveries: () => ledger.duplicateDeliveries(),
    countsBy: (pixelId) => ledger.countsBy(pixelId),
    countsByEvent: (pixelId) => ledger.countsByEvent(pixelId),
    state,
    injectFailures: (injection) => failures.add(injection),
    clearFailures: () => failures.clear(),
    setLatency(ms) { latencyMs = Math.max(0, ms); },
    registerPixel(pixelId, token) { pixels.set(pixelId, { token, expired: false }); },
    expireToken(pixelId) {
      const pixel = pixels.get(pixelId);
      if (pixel !== undefined) pixel.expired = true;
    },
    // Forget what was received and injected; registered pixels stay, with fresh tokens.
    reset() {
      accepted = [];
      browserEvents = [];
      requests = [];
      reads = [];
      diagnostics = [];
      ledger.clear();
      failures.clear();
      latencyMs = 0;
      for (const pixel of pixels.values()) pixel.expired = false;
    },
    close() {
      for (const timer of holds) clearTimeout(timer);
      holds.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
