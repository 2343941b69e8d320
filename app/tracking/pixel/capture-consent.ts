// Reads Shopify's Customer Privacy API (window.Shopify.customerPrivacy) as the storefront embed sees it.
// The embed runs outside the pixel sandbox, so nobody else gates its cookies: it must ask itself.
import { CONSENT, formatConsent } from "../consent";
import type { ConsentSnapshot, ConsentState } from "../consent";
import { asRecord } from "./read-shape";

export type CaptureConsent = {
  /** May the embed set marketing cookies and write the attributes now? */
  trackingAllowed: boolean;
  /** `_tandem_consent` value, e.g. `m1;a1;s1`. */
  snapshot: string;
};

function call(api: Record<string, unknown>, name: string): unknown {
  const fn = api[name];
  if (typeof fn !== "function") return undefined;
  try {
    return (fn as () => unknown).call(api);
  } catch {
    return undefined;
  }
}

// `*Allowed()` is true when the visitor agreed OR the region needs no consent: that is the effective
// permission the server should act on. `currentVisitorConsent()` tells an explicit "no" from "not asked".
function stateOf(api: Record<string, unknown>, allowedFn: string, answer: unknown): ConsentState {
  const allowed = call(api, allowedFn);
  if (allowed === true) return CONSENT.granted;
  if (answer === "no" || (allowed === false && answer !== "")) return CONSENT.denied;
  return CONSENT.unknown;
}

/**
 * With no Customer Privacy API on the page there is no consent regime to read (not a Shopify storefront,
 * or one that never loads it): tracking proceeds and the snapshot says "unknown", which the server
 * resolves with the shop's setting.
 */
export function consentFromCustomerPrivacy(api: unknown): CaptureConsent {
  const privacy = asRecord(api);
  if (privacy === null) return { trackingAllowed: true, snapshot: "mu;au;su" };
  const answers = asRecord(call(privacy, "currentVisitorConsent")) ?? {};
  const consent: ConsentSnapshot = {
    marketing: stateOf(privacy, "marketingAllowed", answers.marketing),
    analytics: stateOf(privacy, "analyticsProcessingAllowed", answers.analytics),
    saleOfData: stateOf(privacy, "saleOfDataAllowed", answers.sale_of_data),
  };
  const canTrack = call(privacy, "userCanBeTracked");
  const trackingAllowed = consent.marketing === CONSENT.granted || (canTrack === true && consent.marketing !== CONSENT.denied);
  return { trackingAllowed, snapshot: formatConsent(consent) };
}
