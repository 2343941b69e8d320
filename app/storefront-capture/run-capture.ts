// One pass of the storefront capture (docs/decisions/0012; the attributes: app/tracking/attributes.ts): consent →
// cookies → /cart.js → nothing while the cart is empty → the cart's own event id, else one minted once →
// one /cart/update.js with only the attributes that differ from the cart's. A declined shopper's pass skips the
// cookies and writes the refusal record instead (docs/decisions/0035). Never throws; returns what it did.
import { isValidFbc, isValidFbp } from "../tracking/fbp-fbc";
import { captureAttributes, encodeEventId, refusalAttributes } from "../tracking/pixel/capture-attributes";
import { attributesToWrite, cartEventId, readCart } from "../tracking/pixel/capture-cart";
import type { CartState } from "../tracking/pixel/capture-cart";
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

/** localStorage key of the click ids seen in this browser (`_tandem_click_ids`, app/tracking/attributes.ts). */
export const CLICK_IDS_STORAGE = "_tandem_cids";

/** What one page remembers between passes and checkout submits. */
export type CaptureMemory = {
  /** The cart as last read or written in this page. */
  cart: CartState | null;
  /** An id minted in this page that no cart carries yet, so a checkout form and the next pass agree. */
  minted: string | null;
};

export type CaptureOutcome =
  | { status: "waiting_for_consent" }
  | { status: "no_cart" }
  | { status: "empty_cart" }
  | { status: "unchanged"; attributes: Record<string, string> }
  | { status: "written"; attributes: Record<string, string>; changed: Record<string, string> }
  | { status: "write_failed"; attributes: Record<string, string> };

export function newCaptureMemory(): CaptureMemory {
  return { cart: null, minted: null };
}

const PROBE = "_tandem_probe";

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

/** 31 random bits, as Meta's own pixel puts in `_fbp`. */
function randomInt(env: CaptureEnv): number {
  return env.randomBytes(4).reduce((n, byte) => n * 256 + byte, 0) >>> 1;
}

// The page URL is absolute, so URL does what fbp-fbc.ts's fbclidFromUrl (built for Shopify's relative
// landing_site) does, in fewer bytes of the size-budgeted asset.
function fbclidOf(href: string): string | null {
  try {
    return (new URL(href).searchParams.get("fbclid") || "").trim() || null;
  } catch {
    return null;
  }
}

function syncCookies(env: CaptureEnv): void {
  const domain = findCookieDomain(env);
  const index = subdomainIndexOf(domain);
  const now = env.nowMs();
  const fbp = decideFbp(env.readCookie("_fbp"), now, randomInt(env), index);
  if (fbp !== null) env.writeCookie("_fbp", fbp, domain, COOKIE_MAX_AGE_SECONDS);
  const fbc = decideFbc(env.readCookie("_fbc"), fbclidOf(env.href), now, index);
  if (fbc !== null) env.writeCookie("_fbc", fbc, domain, COOKIE_MAX_AGE_SECONDS);
}

/**
 * The attributes this cart should carry now: the full set with consent, the refusal record when marketing was
 * declined, null while the shopper has not answered. Synchronous, so a checkout form's submit can use it;
 * mints an id only when tracking is allowed and neither the cart nor this page has one.
 */
export function wantedAttributes(env: CaptureEnv, memory: CaptureMemory): Record<string, string> | null {
  const consent = consentFromCustomerPrivacy(env.customerPrivacy);
  if (consent.tracking === "0") {
    // Click ids remembered while consent stood are forgotten with it; nothing is stored for a shopper who said no.
    if (env.storageGet(CLICK_IDS_STORAGE)) env.storageSet(CLICK_IDS_STORAGE, "");
    return refusalAttributes(consent.snapshot);
  }
  if (consent.tracking === "u") return null;
  const clickIds = mergeClickIds(env.storageGet(CLICK_IDS_STORAGE), clickIdsFromUrl(env.href));
  if (Object.keys(clickIds).length > 0) env.storageSet(CLICK_IDS_STORAGE, JSON.stringify(clickIds));
  let eventId = cartEventId(memory.cart === null ? {} : memory.cart.attributes, memory.minted);
  if (eventId === null) eventId = memory.minted = encodeEventId(env.randomBytes(16));
  const fbp = env.readCookie("_fbp");
  const fbc = env.readCookie("_fbc");
  return captureAttributes({
    eventId,
    fbp: isValidFbp(fbp) ? fbp : null,
    fbc: isValidFbc(fbc) ? fbc : null,
    consent: consent.snapshot,
    clickIds,
  });
}

export async function runCapture(env: CaptureEnv, memory: CaptureMemory = newCaptureMemory()): Promise<CaptureOutcome> {
  const consent = consentFromCustomerPrivacy(env.customerPrivacy);
  // Not answered yet: nothing is read or written until the banner is. A refusal goes on to record itself.
  if (consent.tracking === "u") return { status: "waiting_for_consent" };
  if (consent.tracking === "1") syncCookies(env);

  const cart = readCart(await env.requestJson("GET", `${env.routesRoot}cart.js`));
  if (cart === null) return { status: "no_cart" };
  memory.cart = cart;
  // An empty cart's token is not the cart's yet (it can change on every read): nothing to name or write.
  if (cart.itemCount === 0) return { status: "empty_cart" };

  const attributes = wantedAttributes(env, memory);
  if (attributes === null) return { status: "waiting_for_consent" };
  const changed = attributesToWrite(attributes, cart.attributes);
  if (changed === null) return { status: "unchanged", attributes };

  const written = readCart(await env.requestJson("POST", `${env.routesRoot}cart/update.js`, { attributes: changed }));
  if (written === null) return { status: "write_failed", attributes };
  memory.cart = written;
  memory.minted = null;
  return { status: "written", attributes, changed };
}
