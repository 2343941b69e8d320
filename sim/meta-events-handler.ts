import {
  graphErrorBody, makeFbtraceId, tokenError, throttleError, type GraphErrorBody, type GraphErrorSpec,
} from "./graph-error";
import { matchIdsOfUserData } from "./meta-dedup-fallback";
import type { DedupLedger } from "./meta-dedup-ledger";
import { diagnoseCustomData, type EventDiagnostic } from "./meta-event-diagnostics";
import { checkServerEvent, MAX_EVENTS_PER_REQUEST } from "./meta-event-rules";
import type { FailureInjection, FailureKind } from "./meta-failure-plan";
import { isRecord } from "./meta-formats";
import { checkDataArray, parseEventsBody } from "./meta-request-body";
import { checkAccess, type PixelRecord } from "./meta-token-check";

export type AcceptedEvent = {
  pixelId: string;
  event: Record<string, unknown>;
  receivedAtMs: number;
  testEventCode: string | undefined;
  partnerAgent: string | undefined;
};

// One line per POST /events, whatever the outcome: lets tests assert retries and batch splitting.
export type GraphRequestLog = {
  pixelId: string;
  version: string;
  atMs: number;
  status: number;
  eventCount: number;
  eventIds: Array<string | null>;
  error: GraphErrorSpec | null;
  failure: FailureKind | null;
};

export type EventsState = {
  pixels: ReadonlyMap<string, PixelRecord>;
  accepted: AcceptedEvent[];
  diagnostics: EventDiagnostic[];
  requests: GraphRequestLog[];
  ledger: DedupLedger;
};

export type EventsOutcome =
  | { kind: "respond"; status: number; headers: Record<string, string>; body: string }
  | { kind: "hold"; holdMs: number };

export type EventsInput = {
  pixelId: string;
  version: string;
  rawBody: string;
  contentType: string;
  query: URLSearchParams;
  nowMs: number;
  failure: FailureInjection | null;
};

export function handleEventsRequest(state: EventsState, input: EventsInput): EventsOutcome {
  const parsed = parseEventsBody(input.rawBody, input.contentType, input.query);
  const data = parsed.ok ? parsed.request.data : undefined;
  const log: GraphRequestLog = {
    pixelId: input.pixelId,
    version: input.version,
    atMs: input.nowMs,
    status: 0,
    eventCount: Array.isArray(data) ? data.length : 0,
    eventIds: Array.isArray(data) ? data.map((event) => eventIdOf(event)) : [],
    error: null,
    failure: input.failure?.kind ?? null,
  };
  state.requests.push(log);

  if (input.failure !== null) return injectedOutcome(input.failure, log);
  if (!parsed.ok) return graphError(log, parsed.error);
  const { request } = parsed;
  const accessProblem = checkAccess(state.pixels, input.pixelId, request.accessToken);
  if (accessProblem !== null) return graphError(log, accessProblem);
  const arrayProblem = checkDataArray(request.data, MAX_EVENTS_PER_REQUEST);
  if (arrayProblem !== null) return graphError(log, arrayProblem);
  const events = Array.isArray(request.data) ? request.data : [];
  for (const [index, event] of events.entries()) {
    const problem = checkServerEvent(event, index, input.nowMs);
    if (problem !== null) return graphError(log, problem);
  }

  for (const event of events) {
    if (!isRecord(event)) continue;
    state.accepted.push({
      pixelId: input.pixelId,
      event,
      receivedAtMs: input.nowMs,
      testEventCode: request.testEventCode,
      partnerAgent: request.partnerAgent,
    });
    state.ledger.record(
      input.pixelId, String(event.event_name), eventIdOf(event) ?? undefined, "server", input.nowMs,
      matchIdsOfUserData(event.user_data),
    );
    const customData = isRecord(event.custom_data) ? event.custom_data : undefined;
    for (const problem of diagnoseCustomData(String(event.event_name), customData)) {
      state.diagnostics.push({
        source: "server", pixelId: input.pixelId, eventName: String(event.event_name),
        eventId: eventIdOf(event) ?? undefined, problem,
      });
    }
  }
  log.status = 200;
  return json(200, { events_received: events.length, messages: [], fbtrace_id: makeFbtraceId() });
}

function injectedOutcome(failure: FailureInjection, log: GraphRequestLog): EventsOutcome {
  switch (failure.kind) {
    case "timeout":
      log.status = -1;
      return { kind: "hold", holdMs: failure.holdMs ?? 15_000 };
    case "http500":
      log.status = 500;
      return json(500, graphErrorBody({
        message: "An unknown error occurred", type: "OAuthException", code: 1, is_transient: true,
      }));
    case "http503":
      // A load balancer answer, not a Graph envelope: clients must not assume JSON on 5xx.
      log.status = 503;
      return {
        kind: "respond", status: 503, headers: { "content-type": "text/html" },
        body: "<html><body>Service Unavailable</body></html>",
      };
    case "throttle":
      return graphError(log, throttleError(failure.throttleCode ?? 4));
    case "invalidToken":
      return graphError(log, tokenError(460, "Error validating access token: The session has been invalidated."));
  }
}

function graphError(log: GraphRequestLog, spec: GraphErrorSpec): EventsOutcome {
  log.status = 400;
  log.error = spec;
  return json(400, graphErrorBody(spec));
}

// Graph repeats the trace id in the x-fb-trace-id header; clients may read either.
type SuccessBody = { events_received: number; messages: string[]; fbtrace_id: string };

function json(status: number, body: GraphErrorBody | SuccessBody): EventsOutcome {
  const traceId = "error" in body ? body.error.fbtrace_id : body.fbtrace_id;
  return {
    kind: "respond",
    status,
    headers: { "content-type": "application/json; charset=UTF-8", "x-fb-trace-id": traceId },
    body: JSON.stringify(body),
  };
}

function eventIdOf(event: unknown): string | null {
  return isRecord(event) && typeof event.event_id === "string" && event.event_id !== "" ? event.event_id : null;
}
