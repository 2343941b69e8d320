// Compact consent snapshot carried in `_tandem_consent` (attributes.ts): `m1;a1;s1` = marketing, analytics,
// sale of data; `1` allowed, `0` denied, `u` unknown. Order does not matter; anything unreadable is unknown.
export const CONSENT = { granted: "granted", denied: "denied", unknown: "unknown" } as const;

export type ConsentState = (typeof CONSENT)[keyof typeof CONSENT];

export type ConsentSnapshot = { marketing: ConsentState; analytics: ConsentState; saleOfData: ConsentState };

export const UNKNOWN_CONSENT: ConsentSnapshot = {
  marketing: CONSENT.unknown,
  analytics: CONSENT.unknown,
  saleOfData: CONSENT.unknown,
};

const LETTER_TO_PURPOSE = { m: "marketing", a: "analytics", s: "saleOfData" } as const;
const CODE_TO_STATE: Record<string, ConsentState> = { "1": "granted", "0": "denied", u: "unknown" };
const STATE_TO_CODE: Record<ConsentState, string> = { granted: "1", denied: "0", unknown: "u" };

export function parseConsent(snapshot: unknown): ConsentSnapshot {
  const result: ConsentSnapshot = { ...UNKNOWN_CONSENT };
  if (typeof snapshot !== "string" || snapshot.length > 64) return result;
  const seen = new Set<string>();
  for (const part of snapshot.split(";")) {
    const match = /^\s*([mas])\s*([01u])\s*$/i.exec(part);
    if (match === null) continue;
    const purpose = LETTER_TO_PURPOSE[(match[1] ?? "").toLowerCase() as keyof typeof LETTER_TO_PURPOSE];
    const state = CODE_TO_STATE[(match[2] ?? "").toLowerCase()] ?? CONSENT.unknown;
    // Two conflicting answers for one purpose mean the snapshot cannot be trusted for it.
    result[purpose] = seen.has(purpose) && result[purpose] !== state ? CONSENT.unknown : state;
    seen.add(purpose);
  }
  return result;
}

export function formatConsent(consent: ConsentSnapshot): string {
  return `m${STATE_TO_CODE[consent.marketing]};a${STATE_TO_CODE[consent.analytics]};s${STATE_TO_CODE[consent.saleOfData]}`;
}

/** From the booleans Shopify's Customer Privacy API exposes (`init.customerPrivacy` in a Web Pixel). */
export function consentFromPrivacyFlags(flags: {
  marketingAllowed?: boolean | null;
  analyticsProcessingAllowed?: boolean | null;
  saleOfDataAllowed?: boolean | null;
}): ConsentSnapshot {
  return {
    marketing: fromBoolean(flags.marketingAllowed),
    analytics: fromBoolean(flags.analyticsProcessingAllowed),
    saleOfData: fromBoolean(flags.saleOfDataAllowed),
  };
}

function fromBoolean(value: boolean | null | undefined): ConsentState {
  if (value === true) return CONSENT.granted;
  if (value === false) return CONSENT.denied;
  return CONSENT.unknown;
}
