// Meta's browser endpoint takes everything in the query string (docs/meta-capi-facts.md, "The browser
// endpoint /tr"). A strict sandbox pixel cannot run fbevents.js, so it builds the same URL fbevents.js would
// and fetches it.
import type { BrowserCustomData } from "./browser-custom-data";
import type { BrowserUserData } from "./browser-user-data";

export const META_TR_ENDPOINT = "https://www.facebook.com/tr";

export type TrRequest = {
  pixelId: string;
  eventName: string;
  eventId: string;
  /** Page URL (`dl`) and referrer (`rl`). */
  pageUrl?: string | null;
  referrer?: string | null;
  /** When the customer event happened, in ms: replayed events arrive late. */
  timestampMs: number;
  customData?: BrowserCustomData;
  userData?: BrowserUserData;
  fbp?: string | null;
  fbc?: string | null;
  /** Sale of data denied → Limited Data Use, geolocated by Meta (country 0, state 0), as on the server. */
  limitedDataUse: boolean;
};

function encodeCustomValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function buildTrUrl(endpoint: string, request: TrRequest): string {
  const params = new URLSearchParams();
  params.set("id", request.pixelId);
  params.set("ev", request.eventName);
  params.set("eid", request.eventId);
  if (request.pageUrl) params.set("dl", request.pageUrl);
  if (request.referrer) params.set("rl", request.referrer);
  params.set("ts", String(Math.floor(request.timestampMs)));
  for (const [key, value] of Object.entries(request.customData || {})) {
    if (value !== undefined) params.set(`cd[${key}]`, encodeCustomValue(value));
  }
  for (const [key, value] of Object.entries(request.userData || {})) {
    if (value !== undefined) params.set(`ud[${key}]`, value);
  }
  if (request.fbp) params.set("fbp", request.fbp);
  if (request.fbc) params.set("fbc", request.fbc);
  if (request.limitedDataUse) {
    params.set("dpo", "LDU");
    params.set("dpoco", "0");
    params.set("dpost", "0");
  }
  return `${endpoint}?${params.toString()}`;
}
