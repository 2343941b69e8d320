// Reads a stored payload back into the event object we send. A row written by an older version, damaged by
// hand, or purged by retention must become a dead row with a reason, never an exception in the worker loop.

export type PayloadCheck = { ok: true; event: Record<string, unknown> } | { ok: false; reason: string };

export function readEventPayload(payload: unknown): PayloadCheck {
  if (payload === null || payload === undefined) return { ok: false, reason: "malformed payload: missing (purged?)" };
  let value: unknown = payload;
  if (typeof payload === "string") {
    try {
      value = JSON.parse(payload);
    } catch {
      return { ok: false, reason: "malformed payload: not valid JSON" };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "malformed payload: not a JSON object" };
  }
  const event = value as Record<string, unknown>;
  if (typeof event.event_name !== "string" || typeof event.event_time !== "number") {
    return { ok: false, reason: "malformed payload: event_name or event_time missing" };
  }
  return { ok: true, event };
}
