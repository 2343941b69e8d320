import { checkTrRequest, type BrowserEvent } from "./meta-tr-rules";

// The pixel sends with fetch(no-cors, keepalive); answer CORS permissively so a cors-mode fetch works too.
export const TR_CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-max-age": "600",
};

// 1x1 transparent GIF, what /tr answers.
const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

export type TrOutcome = { status: number; contentType: string; body: string | Buffer; event: BrowserEvent | null };

// fbevents.js switches to POST /tr/ for long URLs (docs/meta-capi-facts.md, "The browser endpoint /tr"; observed):
// the form body adds to the query.
export function handleTrRequest(
  query: URLSearchParams,
  rawBody: string,
  contentType: string,
  isRegistered: (pixelId: string) => boolean,
  nowMs: number,
): TrOutcome {
  const params = new URLSearchParams(query);
  if (contentType.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(rawBody)) params.set(key, value);
  }
  const check = checkTrRequest(params, isRegistered, nowMs);
  if (!check.ok) return { status: 400, contentType: "text/plain", body: check.reason, event: null };
  return { status: 200, contentType: "image/gif", body: PIXEL_GIF, event: check.event };
}
