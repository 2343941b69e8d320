import { describe, expect, it } from "vitest";
import { classifyMetaError, PAUSE_SCOPE, pauseScopeOf } from "../../app/destinations/meta/classify-error";

// Decision 0016: which configuration errors stop one pixel and which stop the token (the shop).
describe("pauseScopeOf", () => {
  it("pauses only the destination for 100/33 (object does not exist or cannot be loaded)", () => {
    expect(pauseScopeOf({ code: 100, subcode: 33 })).toBe(PAUSE_SCOPE.destination);
  });

  it.each([
    [190, null],
    [190, 463],
    [190, 467],
    [190, 460],
    [102, null],
    [10, null],
    [200, null],
    [294, null],
    [368, null],
  ])("pauses the token for configuration error %s/%s", (code, subcode) => {
    expect(classifyMetaError({ httpStatus: 400, code, subcode, isTransient: false })).toBe("configuration");
    expect(pauseScopeOf({ code, subcode })).toBe(PAUSE_SCOPE.token);
  });

  it("does not mistake another 100 subcode for a pixel error", () => {
    expect(pauseScopeOf({ code: 100, subcode: 2804003 })).toBe(PAUSE_SCOPE.token);
    expect(classifyMetaError({ httpStatus: 400, code: 100, subcode: 2804003, isTransient: false })).toBe("payload");
  });
});
