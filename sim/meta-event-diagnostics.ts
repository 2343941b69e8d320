// What Events Manager would flag on an ACCEPTED event without rejecting it (docs/meta-capi-facts.md, "custom_data
// of every event"): Meta's catalog ads need ViewContent, AddToCart and Purchase to name their items
// (content_ids or contents), and a value means nothing without its currency. The real API takes such events,
// so the simulator does too, and lists them for tests and the demo to assert on.

export const CATALOG_EVENTS = new Set(["ViewContent", "AddToCart", "Purchase"]);

export type EventDiagnostic = {
  source: "server" | "browser";
  pixelId: string;
  eventName: string;
  eventId: string | undefined;
  problem: string;
};

/** `customData`: a CAPI custom_data object, or the `cd[...]` parameters of a /tr request (strings). */
export function diagnoseCustomData(eventName: string, customData: Record<string, unknown> | undefined): string[] {
  const data = customData ?? {};
  const problems: string[] = [];
  if (CATALOG_EVENTS.has(eventName) && !hasItems(data.content_ids) && !hasItems(data.contents)) {
    problems.push(`${eventName} without content_ids or contents cannot be used by catalog ads`);
  }
  if (data.value !== undefined && data.currency === undefined) problems.push("value without currency");
  return problems;
}

function hasItems(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value !== "string" || value === "") return false;
  // /tr carries lists as JSON text; a single id is also accepted there.
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.length > 0 : true;
  } catch {
    return true;
  }
}
