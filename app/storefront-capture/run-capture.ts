// One pass of the storefront capture (DESIGN §1, §4): consent → cookies → cart token → event id →
// at most one /cart/update.js when something changed. Never throws; returns what it did for tests and demo.
import { fbclidFromUrl, isValidFbc } from "../tracking/fbp-fbc";
import { captureAttributes, encodeEventId, writeFingerprint } from "../tracking/pixel/capture-attributes";
import { clickIdsFromUrl, mergeClickIds } from "../tracking/pixel/capture-click-ids";
import { consentFromCustomerPrivacy } from "../tracking/pixel/capture-consent";
import {
  COOKIE_MAX_AGE_SECONDS,
  cookieDomainCandidates,
  decideFbc,
  decideFbp,
  subdomainIndexOf,
} from "../tracking/pixel/capture-cookies";
import type { CaptureEnv } from "./capture-env";

export const CAPTURE_STORAGE = {
  eventId: "_tandem_eid",
  clickIds: "_tandem_cids",
  written: "_tandem_written",
} as const;

export type CaptureOutcome =
  | { status: "waiting_for_consent" }
  | { status: "no_cart" }
  | { status: "unchanged"; attributes: Record<string, string> }
  | { status: "written"; attributes: Record<string, string> }
  | { status: "write_failed"; attributes: Record<string, string> };

const PROBE = "_tandem_probe";
// What encodeEventId mints (16 bytes). Checked locally rather than via event-id.ts, whose id helpers use
// BigInt literals that an ES2017 storefront browser could not parse.
const MINTED_EVENT_ID = /^[A-Za-z0-9_-]{22}$/;

/** The registrable domain, found by setting a probe cookie on ever longer suffixes (Meta's technique). */
function findCookieDomain(env: CaptureEnv): string | null {
  for (const domain of cookieDomainCandidates(env.hostname)) {
    env.writeCookie(PROBE, "1", domain, 60);
    if (env.readCookie(PROBE) === "1") {
      env.writeCookie(PROBE, "", domain, 0);
      return domain;
    }
  }
  return null;
}

function randomInt(env: CaptureEnv): number {
  const bytes = env.randomBytes(4);
  return (((bytes[0] ?? 0) << 23) | ((bytes[1] ?? 0) << 15) | ((bytes[2] ?? 0) << 7) | ((bytes[3] ?? 0) >> 1)) >>> 0;
}

function syncCookies(env: CaptureEnv): { fbp: string | null; fbc: string | null } {
  const domain = findCookieDomain(env);
  const index = subdomainIndexOf(domain);
  const now = env.nowMs();
  let fbp = env.readCookie("_fbp");
  const newFbp = decideFbp(fbp, now, randomInt(env), index);
  if (newFbp !== null) {
    env.writeCookie("_fbp", newFbp, domain, COOKIE_MAX_AGE_SECONDS);
    fbp = newFbp;
  }
  let fbc = env.readCookie("_fbc");
  const newFbc = decideFbc(fbc, fbclidFromUrl(env.href), now, index);
  if (newFbc !== null) {
    env.writeCookie("_fbc", newFbc, domain, COOKIE_MAX_AGE_SECONDS);
    fbc = newFbc;
  }
  return { fbp, fbc: isValidFbc(fbc) ? fbc : null };
}

/** Reuse the id minted for this cart; a new cart token (e.g. after an order) gets a fresh one. */
function eventIdFor(env: CaptureEnv, cartToken: string): string {
  const [token, id] = (env.storageGet(CAPTURE_STORAGE.eventId) ?? "").split(" ");
  if (token === cartToken && id !== undefined && MINTED_EVENT_ID.test(id)) return id;
  const minted = encodeEventId(env.randomBytes(16));
  env.storageSet(CAPTURE_STORAGE.eventId, `${cartToken} ${minted}`);
  return minted;
}

function cartTokenOf(cart: unknown): string | null {
  const token = typeof cart === "object" && cart !== null ? (cart as Record<string, unknown>).token : null;
  return typeof token === "string" && token.trim() !== "" ? token.trim() : null;
}

export async function runCapture(env: CaptureEnv): Promise<CaptureOutcome> {
  const consent = consentFromCustomerPrivacy(env.customerPrivacy);
  if (!consent.trackingAllowed) return { status: "waiting_for_consent" };

  const ids = syncCookies(env);
  const clickIds = mergeClickIds(env.storageGet(CAPTURE_STORAGE.clickIds), clickIdsFromUrl(env.href));
  if (Object.keys(clickIds).length > 0) env.storageSet(CAPTURE_STORAGE.clickIds, JSON.stringify(clickIds));

  const cartToken = cartTokenOf(await env.requestJson("GET", `${env.routesRoot}cart.js`));
  if (cartToken === null) return { status: "no_cart" };

  const attributes = captureAttributes({
    eventId: eventIdFor(env, cartToken),
    fbp: ids.fbp,
    fbc: ids.fbc,
    consent: consent.snapshot,
    clickIds,
  });
  const fingerprint = writeFingerprint(cartToken, attributes);
  if (env.storageGet(CAPTURE_STORAGE.written) === fingerprint) return { status: "unchanged", attributes };

  const response = await env.requestJson("POST", `${env.routesRoot}cart/update.js`, { attributes });
  if (response === null) return { status: "write_failed", attributes };
  env.storageSet(CAPTURE_STORAGE.written, fingerprint);
  return { status: "written", attributes };
}
