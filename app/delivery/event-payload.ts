import { publicIpAddress } from "../tracking/client-ip";

// Reads a stored payload back into the event object we send. A row written by an older version, damaged by
// hand, or purged by retention must become a dead row with a reason, never an exception in the worker loop.
// Rows stored before decision 0016 get its field rules here too: a non-public client_ip_address is left out,
// event_source_url loses its query and fragment.

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
  return { ok: true, event: withMetaFieldRules(event) };
}

function withMetaFieldRules(event: Record<string, unknown>): Record<string, unknown> {
  const out = { ...event };
  if (typeof out.event_source_url === "string") out.event_source_url = out.event_source_url.split(/[?#]/, 1)[0];
  const userData = out.user_data;
  if (typeof userData === "object" && userData !== null && !Array.isArray(userData) && "client_ip_address" in userData) {
    const { client_ip_address: ip, ...rest } = userData as Record<string, unknown>;
    const publicIp = publicIpAddress(ip);
    out.user_data = publicIp === null ? rest : { ...rest, client_ip_address: publicIp };
  }
  return out;
}
