import { z } from "zod";
import { classifyMetaError } from "./classify-error";
import type { MetaSendFailure, MetaSendResult } from "./types";

// Validates what came back from POST /{pixel}/events. Everything from the network is untrusted: a proxy,
// a load balancer or a future API version may answer with any shape.

const successSchema = z.object({
  events_received: z.number().int().nonnegative(),
  messages: z.array(z.string()).catch([]).optional(),
  fbtrace_id: z.string().optional().catch(undefined),
});

const optionalString = z.string().optional().catch(undefined);
const optionalInt = z.number().int().optional().catch(undefined);

const errorSchema = z.object({
  error: z.object({
    message: optionalString,
    type: optionalString,
    code: optionalInt,
    error_subcode: optionalInt,
    error_user_title: optionalString,
    error_user_msg: optionalString,
    is_transient: z.boolean().optional().catch(undefined),
    fbtrace_id: optionalString,
  }),
});

export function interpretResponse(status: number, body: unknown, headerTraceId: string | null): MetaSendResult {
  if (status >= 200 && status < 300) {
    const parsed = successSchema.safeParse(body);
    if (parsed.success) {
      return {
        ok: true,
        eventsReceived: parsed.data.events_received,
        fbtraceId: parsed.data.fbtrace_id ?? headerTraceId,
        messages: parsed.data.messages ?? [],
      };
    }
    // A 2xx we cannot read: we do not know whether Meta stored the events. Retrying is the safe side,
    // because Meta keeps only the first server event per event_name + event_id.
    return failure({ status, code: null, subcode: null, isTransient: true, title: null, traceId: headerTraceId,
      message: `unexpected ${status} response from Meta (no events_received)` });
  }
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) {
    return failure({ status, code: null, subcode: null, isTransient: null, title: null, traceId: headerTraceId,
      message: `HTTP ${status} from Meta without a Graph error body` });
  }
  const error = parsed.data.error;
  return failure({
    status,
    code: error.code ?? null,
    subcode: error.error_subcode ?? null,
    isTransient: error.is_transient ?? null,
    title: error.error_user_title ?? null,
    traceId: error.fbtrace_id ?? headerTraceId,
    message: describeError(error.message, error.error_user_msg, status),
  });
}

export function networkFailure(message: string): MetaSendFailure {
  return failure({ status: null, code: null, subcode: null, isTransient: null, title: null, traceId: null, message });
}

type FailureParts = {
  status: number | null;
  code: number | null;
  subcode: number | null;
  isTransient: boolean | null;
  title: string | null;
  traceId: string | null;
  message: string;
};

function failure(parts: FailureParts): MetaSendFailure {
  const errorClass = classifyMetaError({
    httpStatus: parts.status,
    code: parts.code,
    subcode: parts.subcode,
    isTransient: parts.isTransient,
  });
  return {
    ok: false,
    errorClass,
    httpStatus: parts.status,
    code: parts.code,
    subcode: parts.subcode,
    title: parts.title,
    message: parts.message,
    fbtraceId: parts.traceId,
  };
}

// Meta's `message` names the field and index ("(#100) Invalid parameter (data[3]) ..."); the user message
// often says what to fix. Keep both when they differ, so a dead row explains itself.
function describeError(message: string | undefined, userMessage: string | undefined, status: number): string {
  const base = message ?? `HTTP ${status} from Meta`;
  if (userMessage === undefined || base.includes(userMessage)) return base;
  return `${base} — ${userMessage}`;
}
