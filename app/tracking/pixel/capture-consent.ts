// Reads Shopify's Customer Privacy API (window.Shopify.customerPrivacy) as the storefront embed sees it.
// The embed runs outside the pixel sandbox, so nobody else gates its cookies: it must ask itself.
import { asRecord } from "./read-shape";

type Code = "1" | "0" | "u";

export type CaptureConsent = {
  /**
   * What the embed may do now. `1`: set marketing cookies and write the attributes. `0`: marketing was
   * declined, so it writes the refusal record and no identifier (docs/decisions/0035). `u`: not answered
   * yet, so it does nothing and waits for the banner.
   */
  tracking: Code;
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
// The codes are `_tandem_consent`'s (app/tracking/consent.ts: 1 allowed, 0 denied, u unknown), written here
// directly so the size-budgeted embed does not bundle the server's parser; a unit test keeps them in step.
function codeOf(api: Record<string, unknown>, allowedFn: string, answer: unknown): Code {
  const allowed = call(api, allowedFn);
  if (allowed === true) return "1";
  if (answer === "no" || (allowed === false && answer !== "")) return "0";
  return "u";
}

/**
 * With no Customer Privacy API on the page there is no consent regime to read (not a Shopify storefront,
 * or one that never loads it): tracking proceeds and the snapshot says "unknown", which the server
 * resolves with the shop's setting.
 */
export function consentFromCustomerPrivacy(api: unknown): CaptureConsent {
  const privacy = asRecord(api);
  if (privacy === null) return { tracking: "1", snapshot: "mu;au;su" };
  const answers = asRecord(call(privacy, "currentVisitorConsent")) || {};
  const marketing = codeOf(privacy, "marketingAllowed", answers.marketing);
  const analytics = codeOf(privacy, "analyticsProcessingAllowed", answers.analytics);
  const saleOfData = codeOf(privacy, "saleOfDataAllowed", answers.sale_of_data);
  const canTrack = call(privacy, "userCanBeTracked");
  // A region that needs no answer lets the visitor be tracked before any banner; an explicit "no" still wins.
  const tracking = marketing === "u" && canTrack === true ? "1" : marketing;
  return { tracking, snapshot: `m${marketing};a${analytics};s${saleOfData}` };
}
