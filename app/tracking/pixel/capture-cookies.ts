// Decisions about Meta's first-party cookies (docs/meta-capi-facts.md, "fbp and fbc"). The embed does the cookie I/O;
// these functions only decide, so the rules are testable without a browser.
import { buildFbc, clickIdFromFbc, isValidFbp } from "../fbp-fbc";

export const COOKIE_MAX_AGE_SECONDS = 90 * 24 * 60 * 60;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Domains to try, shortest first, when looking for the registrable domain (eTLD+1) without shipping the
 * public-suffix list: the browser refuses a cookie on a public suffix (`co.uk`), so the first domain that
 * accepts a probe cookie is the registrable one. IPs and single-label hosts (`localhost`) get host-only
 * cookies: an empty list.
 */
export function cookieDomainCandidates(hostname: string): string[] {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (IPV4.test(host) || host.includes(":")) return [];
  const labels = host.split(".").filter((label) => label !== "");
  const candidates: string[] = [];
  for (let count = 2; count <= labels.length; count += 1) candidates.push(labels.slice(-count).join("."));
  return candidates;
}

/** Meta: `com` = 0, `example.com` = 1, `www.example.com` = 2; a host-only cookie on a bare host counts as 0. */
export function subdomainIndexOf(cookieDomain: string | null): number {
  if (cookieDomain === null) return 0;
  return cookieDomain.split(".").length - 1;
}

/** The `_fbp` to write, or null to keep the existing valid cookie. */
export function decideFbp(existing: string | null, nowMs: number, random: number, subdomainIndex: number): string | null {
  if (isValidFbp(existing)) return null;
  return `fb.${subdomainIndex}.${Math.floor(nowMs)}.${Math.floor(Math.abs(random))}`;
}

/**
 * The `_fbc` to write, or null to keep what is there: only a click id different from the stored one
 * (segment 4, compared case-sensitively) replaces the cookie, so its creation time stays the first sighting.
 */
export function decideFbc(existing: string | null, fbclid: string | null, nowMs: number, subdomainIndex: number): string | null {
  if (fbclid === null) return null;
  if (clickIdFromFbc(existing) === fbclid) return null;
  return buildFbc(fbclid, nowMs, subdomainIndex);
}
