import { invalidParameter, type GraphErrorSpec } from "./graph-error";
import { isRecord } from "./meta-formats";

export type EventsRequest = {
  accessToken: string | undefined;
  data: unknown;
  testEventCode: string | undefined;
  partnerAgent: string | undefined;
};

export type ParsedBody = { ok: true; request: EventsRequest } | { ok: false; error: GraphErrorSpec };

// Meta documents form fields with `data` as a JSON string; its Node SDK posts JSON (docs/meta-capi-facts.md, "The
// events endpoint"). Accept both.
export function parseEventsBody(raw: string, contentType: string, query: URLSearchParams): ParsedBody {
  const fields = contentType.includes("application/json") ? parseJsonFields(raw) : parseFormFields(raw);
  if (fields === null) return { ok: false, error: invalidParameter(null, "request body could not be parsed") };
  const token = fields.access_token ?? query.get("access_token") ?? undefined;
  if (token !== undefined && typeof token !== "string") {
    return { ok: false, error: invalidParameter(null, "access_token must be a string") };
  }
  for (const key of ["test_event_code", "partner_agent"] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== "string") {
      return { ok: false, error: invalidParameter(null, `${key} must be a string`) };
    }
  }
  return {
    ok: true,
    request: {
      accessToken: token === "" ? undefined : token,
      data: fields.data,
      testEventCode: optionalString(fields.test_event_code),
      partnerAgent: optionalString(fields.partner_agent),
    },
  };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function parseJsonFields(raw: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function parseFormFields(raw: string): Record<string, unknown> | null {
  const form = new URLSearchParams(raw);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form) fields[key] = value;
  if (typeof fields.data === "string") {
    try {
      fields.data = JSON.parse(fields.data);
    } catch {
      return null;
    }
  }
  return fields;
}

export function checkDataArray(data: unknown, max: number): GraphErrorSpec | null {
  if (!Array.isArray(data)) return invalidParameter(null, "param data must be an array");
  if (data.length === 0) return invalidParameter(null, "param data must contain at least one event");
  if (data.length > max) return invalidParameter(null, `param data must contain at most ${max} events`);
  return null;
}
