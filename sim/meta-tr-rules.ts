import { isAbsoluteHttpUrl, isCookieValue, isCurrencyCode, isHashedValue } from "./meta-formats";

// The browser endpoint's parameters (docs/meta-capi-facts.md, "The browser endpoint /tr"). Meta's real /tr answers
// almost anything with a gif; the simulator answers 400 instead so a malformed pixel request fails a test.

export type BrowserEvent = {
  pixelId: string;
  eventName: string;
  eventId: string | undefined;
  pageUrl: string | undefined;
  customData: Record<string, string>;
  userData: Record<string, string>;
  fbp: string | undefined;
  fbc: string | undefined;
  ldu: boolean;
  params: Record<string, string>;
  receivedAtMs: number;
};

export type TrCheck = { ok: true; event: BrowserEvent } | { ok: false; reason: string };

const BRACKETED = /^(cd|ud)\[([^\]]+)\]$/;
// `ts` is milliseconds on /tr; a seconds value would be a 1970 date.
const MIN_PLAUSIBLE_MS = 100_000_000_000;

export function checkTrRequest(
  params: URLSearchParams,
  isRegistered: (pixelId: string) => boolean,
  nowMs: number,
): TrCheck {
  const flat: Record<string, string> = {};
  const customData: Record<string, string> = {};
  const userData: Record<string, string> = {};
  for (const [key, value] of params) {
    flat[key] = value;
    const match = BRACKETED.exec(key);
    if (match?.[1] === "cd") customData[match[2]] = value;
    if (match?.[1] === "ud") userData[match[2]] = value;
  }
  const pixelId = flat.id ?? "";
  const eventName = flat.ev ?? "";
  if (pixelId === "" || !isRegistered(pixelId)) return { ok: false, reason: "id is missing or not a registered pixel" };
  if (eventName === "") return { ok: false, reason: "ev is required" };
  if (flat.ts !== undefined && !(/^\d+$/.test(flat.ts) && Number(flat.ts) >= MIN_PLAUSIBLE_MS)) {
    return { ok: false, reason: "ts must be a Unix timestamp in milliseconds" };
  }
  for (const [key, value] of Object.entries(userData)) {
    if (!isHashedValue(value)) return { ok: false, reason: `ud[${key}] must be a SHA-256 hash (64 lowercase hex)` };
  }
  for (const key of ["fbp", "fbc"] as const) {
    const value = flat[key];
    if (value !== undefined && !isCookieValue(value)) return { ok: false, reason: `${key} has an invalid format` };
  }
  for (const key of ["dl", "rl"] as const) {
    const value = flat[key];
    if (value !== undefined && value !== "" && !isAbsoluteHttpUrl(value)) {
      return { ok: false, reason: `${key} must be an absolute http(s) URL` };
    }
  }
  const customProblem = checkTrCustomData(eventName, customData);
  if (customProblem !== null) return { ok: false, reason: customProblem };
  const dpoProblem = checkTrDataProcessing(flat);
  if (dpoProblem !== null) return { ok: false, reason: dpoProblem };
  return {
    ok: true,
    event: {
      pixelId,
      eventName,
      eventId: flat.eid === "" ? undefined : flat.eid,
      pageUrl: flat.dl,
      customData,
      userData,
      fbp: flat.fbp,
      fbc: flat.fbc,
      ldu: flat.dpo === "LDU",
      params: flat,
      receivedAtMs: nowMs,
    },
  };
}

function checkTrCustomData(eventName: string, customData: Record<string, string>): string | null {
  const { value, currency } = customData;
  if (value !== undefined && !(/^\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value)))) {
    return "cd[value] must be a non-negative number";
  }
  if (currency !== undefined && !isCurrencyCode(currency)) return "cd[currency] must be an ISO 4217 code";
  if (eventName === "Purchase" && (value === undefined || currency === undefined)) {
    return "Purchase needs cd[value] and cd[currency]";
  }
  if (customData.contents !== undefined && !isJsonArray(customData.contents)) {
    return "cd[contents] must be a JSON array";
  }
  // fbevents.js sends a list as JSON text; a single id may stand alone.
  const ids = customData.content_ids;
  if (ids !== undefined && (ids === "" || (ids.startsWith("[") && !isJsonArray(ids)))) {
    return "cd[content_ids] must be an id or a JSON array of ids";
  }
  if (customData.num_items !== undefined && !/^\d+$/.test(customData.num_items)) {
    return "cd[num_items] must be a non-negative integer";
  }
  return null;
}

// "Limited Data Use": `dpo=` (none) or `dpo=LDU&dpoco=<0|1>&dpost=<state>`.
function checkTrDataProcessing(flat: Record<string, string>): string | null {
  const dpo = flat.dpo;
  if (dpo === undefined || dpo === "") return null;
  if (dpo !== "LDU") return "dpo must be empty or LDU";
  if (flat.dpoco !== "0" && flat.dpoco !== "1") return "dpoco must be 0 or 1 with dpo=LDU";
  if (flat.dpost === undefined || !/^\d+$/.test(flat.dpost)) return "dpost is required with dpo=LDU";
  return null;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}
