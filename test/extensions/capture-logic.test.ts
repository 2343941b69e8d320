import { describe, expect, it } from "vitest";
import { isWellFormedTandemEventId } from "../../app/tracking/event-id";
import { captureAttributes, encodeEventId, writeFingerprint } from "../../app/tracking/pixel/capture-attributes";
import { clickIdsFromUrl, mergeClickIds } from "../../app/tracking/pixel/capture-click-ids";
import { consentFromCustomerPrivacy } from "../../app/tracking/pixel/capture-consent";
import { cookieDomainCandidates, decideFbc, decideFbp, subdomainIndexOf } from "../../app/tracking/pixel/capture-cookies";

describe("storefront capture decisions", () => {
  it("probes domains shortest first and gives IPs and bare hosts host-only cookies", () => {
    expect(cookieDomainCandidates("www.shop.example.co.uk")).toEqual([
      "co.uk",
      "example.co.uk",
      "shop.example.co.uk",
      "www.shop.example.co.uk",
    ]);
    expect(cookieDomainCandidates("127.0.0.1")).toEqual([]);
    expect(cookieDomainCandidates("localhost")).toEqual([]);
    expect([subdomainIndexOf("example.com"), subdomainIndexOf("example.co.uk"), subdomainIndexOf(null)]).toEqual([1, 2, 0]);
  });

  it("keeps a valid _fbp (4 or 5 segments) and replaces a broken one", () => {
    expect(decideFbp("fb.1.1700000000000.123", 1, 5, 1)).toBeNull();
    expect(decideFbp("fb.1.1700000000000.123.AQ", 1, 5, 1)).toBeNull();
    expect(decideFbp("junk", 1762000000000, 42, 2)).toBe("fb.2.1762000000000.42");
  });

  it("replaces _fbc only for a different click id, preserving its case", () => {
    const existing = "fb.1.1700000000000.AbCdEf";
    expect(decideFbc(existing, "AbCdEf", 1762000000000, 1)).toBeNull();
    expect(decideFbc(existing, "abcdef", 1762000000000, 1)).toBe("fb.1.1762000000000.abcdef");
    expect(decideFbc(null, null, 1, 1)).toBeNull();
  });

  it("collects other networks' click ids, newest winning, corrupt memory ignored", () => {
    const seen = clickIdsFromUrl("https://shop.example.com/?gclid=G1&ttclid=T1&utm_source=x");
    expect(seen).toEqual({ gclid: "G1", ttclid: "T1" });
    expect(mergeClickIds('{"gclid":"old","msclkid":"M"}', seen)).toEqual({ gclid: "G1", msclkid: "M", ttclid: "T1" });
    expect(mergeClickIds("{not json", {})).toEqual({});
  });

  it("mints 128-bit ids the server accepts", () => {
    const id = encodeEventId(new Uint8Array(16).fill(255));
    expect(id).toHaveLength(22);
    expect(isWellFormedTandemEventId(id)).toBe(true);
  });

  it("fingerprints cart and attributes so an unchanged page view writes nothing", () => {
    const attrs = captureAttributes({ eventId: "e".repeat(22), fbp: null, fbc: null, consent: "m1;a1;s1", clickIds: {} });
    expect(attrs._tandem_fbp).toBe("");
    expect(writeFingerprint("c1", attrs)).toBe(writeFingerprint("c1", { ...attrs }));
    expect(writeFingerprint("c2", attrs)).not.toBe(writeFingerprint("c1", attrs));
  });

  it("reads consent from the Customer Privacy API", () => {
    const api = (marketing: boolean, answer: string) => ({
      currentVisitorConsent: () => ({ marketing: answer, analytics: "yes", sale_of_data: "no" }),
      marketingAllowed: () => marketing,
      analyticsProcessingAllowed: () => true,
      saleOfDataAllowed: () => false,
      userCanBeTracked: () => marketing,
    });
    expect(consentFromCustomerPrivacy(api(true, "yes"))).toEqual({ trackingAllowed: true, snapshot: "m1;a1;s0" });
    expect(consentFromCustomerPrivacy(api(false, "no"))).toEqual({ trackingAllowed: false, snapshot: "m0;a1;s0" });
    expect(consentFromCustomerPrivacy(api(false, ""))).toEqual({ trackingAllowed: false, snapshot: "mu;a1;s0" });
    expect(consentFromCustomerPrivacy(undefined)).toEqual({ trackingAllowed: true, snapshot: "mu;au;su" });
  });
});
