import { isValidFbc, isValidFbp } from "../tracking/fbp-fbc";
import { isFunnelEventName, type FunnelEventName } from "../tracking/funnel-events";
import { normalizeShopDomain } from "../shops/shop-domain";
import { parseCustomData, type CollectedCustomData } from "./custom-data";
import { parseUserData, type CollectedUserData } from "./user-data";

// The collector's request body: a URL query string, `shop=…&ck=…&` followed by the parameters of the pixel's
// Meta /tr request without `id` (app/tracking/pixel/tr-url.ts). Anyone can post one, so it is read strictly:
// a field we do not know, a field given twice, an event we do not take or a time outside the window makes
// the whole request malformed (400) and nothing is stored. Match keys that are not hashed are the one thing
// dropped rather than refused: the event is still worth sending, the raw value must never be kept.

export type CollectedEventName = FunnelEventName | "Purchase";

export type CollectedEvent = {
  shop: string;
  /** The checkout token, when the event happened in a checkout; null elsewhere. */
  checkoutToken: string | null;
  eventName: CollectedEventName;
  eventId: string;
  /** When it happened in the browser, ms. */
  timestampMs: number;
  pageUrl: string | null;
  customData: CollectedCustomData;
  userData: CollectedUserData;
  fbp: string | null;
  fbc: string | null;
  /** dpo=LDU: the shopper denied the sale of their data. */
  limitedDataUse: boolean;
  /** ud[…] values dropped because they did not look hashed (counted, never kept). */
  droppedUserData: number;
};

export const COLLECT_REJECTION = {
  notQueryString: "not_query_string",
  unknownField: "unknown_field",
  repeatedField: "repeated_field",
  badShop: "bad_shop",
  badEvent: "bad_event",
  badEventId: "bad_event_id",
  badTimestamp: "bad_timestamp",
  staleTimestamp: "stale_timestamp",
  futureTimestamp: "future_timestamp",
  badCheckoutToken: "bad_checkout_token",
  badCustomData: "bad_custom_data",
  badUrl: "bad_url",
  badConsent: "bad_consent",
} as const;
export type CollectRejection = (typeof COLLECT_REJECTION)[keyof typeof COLLECT_REJECTION];

export type CollectParse = { ok: true; event: CollectedEvent } | { ok: false; reason: CollectRejection };

/** Browser events are sent as they happen; a replayed or queued one may be late, never this late. */
export const MAX_EVENT_AGE_MS = 60 * 60 * 1000;
/** Clocks drift: a browser a few minutes ahead is normal, further ahead is not an event that happened. */
export const MAX_EVENT_LEAD_MS = 5 * 60 * 1000;

const EVENT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
// Shopify checkout tokens are hex or base-36-ish ids well under 100 characters.
const CHECKOUT_TOKEN = /^[A-Za-z0-9_-]{1,100}$/;
const MAX_URL_LENGTH = 2048;
const TOP_LEVEL = new Set(["shop", "ck", "ev", "eid", "dl", "rl", "ts", "fbp", "fbc", "dpo", "dpoco", "dpost"]);

const fail = (reason: CollectRejection): CollectParse => ({ ok: false, reason });

export function parseCollectBody(body: string, nowMs: number): CollectParse {
  if (body.includes("\n") || body.includes("\r")) return fail(COLLECT_REJECTION.notQueryString);
  const fields = new Map<string, string>();
  const custom = new Map<string, string>();
  const user = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body)) {
    const bracket = /^(cd|ud)\[([a-z_]{1,40})\]$/.exec(key);
    const target = bracket ? (bracket[1] === "cd" ? custom : user) : fields;
    const name = bracket ? (bracket[2] as string) : key;
    if (!bracket && !TOP_LEVEL.has(key)) return fail(COLLECT_REJECTION.unknownField);
    if (target.has(name)) return fail(COLLECT_REJECTION.repeatedField);
    target.set(name, value);
  }

  const shop = normalizeShopDomain(fields.get("shop"));
  if (shop === null) return fail(COLLECT_REJECTION.badShop);
  const eventName = fields.get("ev");
  if (eventName !== "Purchase" && !isFunnelEventName(eventName)) return fail(COLLECT_REJECTION.badEvent);
  const eventId = fields.get("eid") ?? "";
  if (!EVENT_ID.test(eventId)) return fail(COLLECT_REJECTION.badEventId);
  const ck = fields.get("ck") ?? "";
  if (ck !== "" && !CHECKOUT_TOKEN.test(ck)) return fail(COLLECT_REJECTION.badCheckoutToken);

  const ts = fields.get("ts") ?? "";
  if (!/^\d{1,16}$/.test(ts)) return fail(COLLECT_REJECTION.badTimestamp);
  const timestampMs = Number(ts);
  if (timestampMs < nowMs - MAX_EVENT_AGE_MS) return fail(COLLECT_REJECTION.staleTimestamp);
  if (timestampMs > nowMs + MAX_EVENT_LEAD_MS) return fail(COLLECT_REJECTION.futureTimestamp);

  const pageUrl = fields.get("dl") ?? null;
  if (pageUrl !== null && !isWebUrl(pageUrl)) return fail(COLLECT_REJECTION.badUrl);
  const referrer = fields.get("rl");
  if (referrer !== undefined && referrer.length > MAX_URL_LENGTH) return fail(COLLECT_REJECTION.badUrl);

  const consent = limitedDataUseOf(fields);
  if (consent === null) return fail(COLLECT_REJECTION.badConsent);
  const customData = parseCustomData(custom);
  if (customData === null) return fail(COLLECT_REJECTION.badCustomData);
  const { userData, dropped } = parseUserData(user);

  const fbp = fields.get("fbp");
  const fbc = fields.get("fbc");
  return {
    ok: true,
    event: {
      shop,
      checkoutToken: ck === "" ? null : ck,
      eventName,
      eventId,
      timestampMs,
      pageUrl,
      customData,
      userData,
      // A malformed cookie is left out, as the server does with note attributes (fbp-fbc.ts).
      fbp: isValidFbp(fbp) ? fbp : null,
      fbc: isValidFbc(fbc) ? fbc : null,
      limitedDataUse: consent.ldu,
      droppedUserData: dropped,
    },
  };
}

function isWebUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** dpo absent: no restriction. dpo=LDU: Limited Data Use, geolocated by Meta (dpoco/dpost 0 or absent). */
function limitedDataUseOf(fields: ReadonlyMap<string, string>): { ldu: boolean } | null {
  const dpo = fields.get("dpo");
  if (dpo === undefined) return fields.has("dpoco") || fields.has("dpost") ? null : { ldu: false };
  if (dpo !== "LDU") return null;
  for (const key of ["dpoco", "dpost"]) {
    const value = fields.get(key);
    if (value !== undefined && value !== "0") return null;
  }
  return { ldu: true };
}
