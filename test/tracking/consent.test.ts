import { describe, expect, it } from "vitest";
import { consentFromPrivacyFlags, formatConsent, parseConsent } from "../../app/tracking/consent";

describe("parseConsent", () => {
  it("reads the compact snapshot", () => {
    expect(parseConsent("m1;a0;su")).toEqual({ marketing: "granted", analytics: "denied", saleOfData: "unknown" });
  });
  it("tolerates any order, spacing and case", () => {
    expect(parseConsent(" s0 ; M1;a1")).toEqual({ marketing: "granted", analytics: "granted", saleOfData: "denied" });
  });
  it("reads garbage or missing parts as unknown", () => {
    const unknown = { marketing: "unknown", analytics: "unknown", saleOfData: "unknown" };
    expect(parseConsent(null)).toEqual(unknown);
    expect(parseConsent("yes please")).toEqual(unknown);
    expect(parseConsent("m2;a;x1")).toEqual(unknown);
    expect(parseConsent("a1")).toEqual({ ...unknown, analytics: "granted" });
  });
  it("treats conflicting answers for one purpose as unknown", () => {
    expect(parseConsent("m1;m0").marketing).toBe("unknown");
    expect(parseConsent("m0;m0").marketing).toBe("denied");
  });
});

describe("formatConsent / consentFromPrivacyFlags", () => {
  it("round-trips through the compact form", () => {
    const consent = consentFromPrivacyFlags({ marketingAllowed: false, analyticsProcessingAllowed: true });
    expect(formatConsent(consent)).toBe("m0;a1;su");
    expect(parseConsent(formatConsent(consent))).toEqual(consent);
  });
});
