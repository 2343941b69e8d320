import { describe, expect, it } from "vitest";
import { buildFbc, clickIdFromFbc, fbclidFromUrl, isValidFbc, isValidFbp } from "../../app/tracking/fbp-fbc";

describe("isValidFbp / isValidFbc", () => {
  it("accepts the 4-segment cookie form", () => {
    expect(isValidFbp("fb.1.1762268000123.1234567890")).toBe(true);
    expect(isValidFbc("fb.1.1554763741205.IwAR2F4-dbP0l7Mn")).toBe(true);
  });
  it("accepts the Parameter Builder 5-segment form (2- or 8-character appendix)", () => {
    expect(isValidFbc("fb.1.1554763741205.IwAR2F4-dbP0l7Mn.AQQCAQIB")).toBe(true);
    expect(isValidFbp("fb.2.1554763741205.987654321.Ag")).toBe(true);
  });
  it("rejects other shapes", () => {
    for (const value of [
      "",
      "fb.1.123",
      "fb.x.123.abc",
      "gb.1.123.abc",
      "fb.1.123.abc.ABC",
      "fb.1.123.ab c",
      `fb.1.123.${"a".repeat(600)}`,
      null,
      42,
    ]) {
      expect(isValidFbc(value)).toBe(false);
    }
  });
});

describe("buildFbc", () => {
  it("builds fb.<index>.<ms>.<fbclid>, preserving the click id's case", () => {
    expect(buildFbc("IwAR2F4-dbP0l7Mn", 1554763741205)).toBe("fb.1.1554763741205.IwAR2F4-dbP0l7Mn");
    expect(buildFbc("AbC", 1554763741205.9, 2)).toBe("fb.2.1554763741205.AbC");
  });
  it("refuses click ids or times that cannot form a valid fbc", () => {
    expect(buildFbc("", 1)).toBeNull();
    expect(buildFbc("a.b", 1)).toBeNull();
    expect(buildFbc("abc", Number.NaN)).toBeNull();
    expect(buildFbc("abc", -1)).toBeNull();
    expect(buildFbc("abc", 1, -1)).toBeNull();
  });
});

describe("fbclidFromUrl", () => {
  it("reads fbclid from absolute URLs and from Shopify's relative landing_site", () => {
    expect(fbclidFromUrl("https://shop.example.com/?fbclid=AbC")).toBe("AbC");
    expect(fbclidFromUrl("/products/x?utm_source=fb&fbclid=AbC")).toBe("AbC");
    expect(fbclidFromUrl("/products/x?fbclid=AbC#reviews")).toBe("AbC");
  });
  it("returns null without a click id", () => {
    expect(fbclidFromUrl("/products/x")).toBeNull();
    expect(fbclidFromUrl("/products/x?fbclid=")).toBeNull();
    expect(fbclidFromUrl(null)).toBeNull();
    expect(fbclidFromUrl("/x#?fbclid=AbC")).toBeNull();
  });
});

describe("clickIdFromFbc", () => {
  it("returns segment 4, also when an appendix follows", () => {
    expect(clickIdFromFbc("fb.1.1554763741205.IwAR2F4-dbP0l7Mn")).toBe("IwAR2F4-dbP0l7Mn");
    expect(clickIdFromFbc("fb.1.1554763741205.IwAR2F4-dbP0l7Mn.AQQCAQIB")).toBe("IwAR2F4-dbP0l7Mn");
  });
  it("returns null for invalid values", () => expect(clickIdFromFbc("nope")).toBeNull());
});
