import { describe, expect, it } from "vitest";
import { classifyMetaError, isTooOldError } from "../../../app/destinations/meta/classify-error";

// Every row of the table in docs/meta-capi-facts.md, "Which Graph API errors are retried", plus the HTTP-level cases.
function classify(code: number | null, subcode: number | null = null, httpStatus: number | null = 400) {
  return classifyMetaError({ httpStatus, code, subcode, isTransient: null });
}

describe("classifyMetaError", () => {
  it.each([1, 2])("retries temporary API error code %i", (code) => {
    expect(classify(code)).toBe("transient");
  });

  it.each([
    [4, 1504022],
    [4, 1504039],
    [17, 2446079],
    [341, null],
    [613, 1487742],
  ])("backs off and retries throttling code %i (subcode %s)", (code, subcode) => {
    expect(classify(code, subcode)).toBe("transient");
  });

  it.each([80000, 80003, 80004, 80014, 80001, 80999])("retries business-use-case limit %i (any 80xxx)", (code) => {
    expect(classify(code)).toBe("transient");
  });

  it("retries HTTP 5xx whatever the body says", () => {
    expect(classify(null, null, 500)).toBe("transient");
    expect(classify(null, null, 503)).toBe("transient");
    expect(classify(100, 2804050, 502)).toBe("transient");
  });

  it("retries a network failure or timeout (no HTTP status)", () => {
    expect(classify(null, null, null)).toBe("transient");
  });

  it("retries when Meta marks the error is_transient, even for a code it would otherwise not retry", () => {
    expect(classifyMetaError({ httpStatus: 400, code: 100, subcode: null, isTransient: true })).toBe("transient");
  });

  it("retries HTTP 429 without a Graph error code", () => {
    expect(classify(null, null, 429)).toBe("transient");
  });

  it.each([458, 459, 460, 463, 464, 467, null])("stops the shop on token error 190 (subcode %s)", (subcode) => {
    expect(classify(190, subcode)).toBe("configuration");
  });

  it.each([102, 10, 200, 250, 299, 368])("stops the shop on configuration code %i", (code) => {
    expect(classify(code)).toBe("configuration");
  });

  it("treats 100 with subcode 33 (wrong pixel or no access) as configuration", () => {
    expect(classify(100, 33)).toBe("configuration");
  });

  it.each([2804003, 2804050, 2804001, 2804007, 2804016, 2804017, 2804019, 2804048, null])(
    "dead-letters invalid parameter 100 with subcode %s as a payload error",
    (subcode) => {
      expect(classify(100, subcode)).toBe("payload");
    },
  );

  it("treats any other 4xx as the request's fault", () => {
    expect(classify(null, null, 400)).toBe("payload");
    expect(classify(12345, null, 400)).toBe("payload");
    expect(classify(300, null, 403)).toBe("payload");
    expect(classify(199, null, 400)).toBe("payload");
  });
});

describe("isTooOldError", () => {
  it("recognises 100/2804003 and nothing else", () => {
    expect(isTooOldError({ code: 100, subcode: 2804003 })).toBe(true);
    expect(isTooOldError({ code: 100, subcode: 2804050 })).toBe(false);
    expect(isTooOldError({ code: 190, subcode: 2804003 })).toBe(false);
  });
});
