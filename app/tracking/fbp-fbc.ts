// Meta browser ids (docs/meta-capi-facts.md, "fbp and fbc"). Values are forwarded verbatim: never re-cased or
// rebuilt.
// Accepts the classic 4-segment form and the Parameter Builder's 5-segment form with an appendix.
const FB_COOKIE = /^fb\.\d+\.\d+\.[^.\s]+(?:\.(?:[A-Za-z0-9_-]{2}|[A-Za-z0-9_-]{8}))?$/;
// Real cookies are well under 300 characters; the cap stops an attribute written by another app from
// smuggling a large blob into every event.
const MAX_COOKIE_LENGTH = 500;
const FBCLID = /^[^.\s?&#=/]+$/;

function isFbCookie(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_COOKIE_LENGTH && FB_COOKIE.test(value);
}

export function isValidFbp(value: unknown): value is string {
  return isFbCookie(value);
}

export function isValidFbc(value: unknown): value is string {
  return isFbCookie(value);
}

/**
 * `fb.<subdomainIndex>.<creationTimeMs>.<fbclid>`. Meta: a server building fbc without a cookie should use
 * subdomain index 1. Returns null for a click id that cannot form a valid fbc.
 */
export function buildFbc(fbclid: unknown, creationTimeMs: number, subdomainIndex = 1): string | null {
  if (typeof fbclid !== "string" || !FBCLID.test(fbclid)) return null;
  if (!Number.isFinite(creationTimeMs) || creationTimeMs < 0) return null;
  if (!Number.isInteger(subdomainIndex) || subdomainIndex < 0) return null;
  const fbc = `fb.${subdomainIndex}.${Math.floor(creationTimeMs)}.${fbclid}`;
  return isValidFbc(fbc) ? fbc : null;
}

/** The `fbclid` query parameter of an absolute URL or a relative one such as Shopify's `landing_site`. */
export function fbclidFromUrl(url: unknown): string | null {
  if (typeof url !== "string" || url.trim() === "") return null;
  const query = url.split("#", 1)[0]?.split("?").slice(1).join("?") ?? "";
  if (query === "") return null;
  try {
    const fbclid = new URLSearchParams(query).get("fbclid")?.trim() ?? "";
    return fbclid === "" ? null : fbclid;
  } catch {
    return null;
  }
}

/**
 * The click id inside an fbc: segment 4. With the 5-segment form the last segment is the appendix, so
 * "after the last dot" would be wrong (docs/meta-capi-facts.md, "fbp and fbc").
 */
export function clickIdFromFbc(fbc: unknown): string | null {
  if (!isValidFbc(fbc)) return null;
  // `||`, not `??`: the same here (a valid fbc's segment 4 is never empty), and fewer bytes in the ES2017 embed.
  return fbc.split(".")[3] || null;
}
