import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countryFromCodeOrName, foldName, stateOfAddress } from "../../app/tracking/region-names";

describe("countryFromCodeOrName", () => {
  it.each([
    ["Germany", "de"],
    ["United States", "us"],
    ["United Kingdom", "gb"],
    ["Japan", "jp"],
    ["Côte d’Ivoire", "ci"],
    ["  france ", "fr"],
    ["DE", "de"],
    ["usa", "us"],
  ])("maps %j to %s", (raw, code) => expect(countryFromCodeOrName(raw)).toBe(code));

  it.each(["Atlantis", "", "Europe", "D", null, 42])("gives null for %j", (raw) => {
    expect(countryFromCodeOrName(raw)).toBeNull();
  });

  it("maps the English name of every region Intl knows back to its code", () => {
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    for (const code of ["AT", "BR", "CH", "CN", "ES", "IN", "KR", "MX", "NL", "NZ", "SE", "ZA"]) {
      expect(countryFromCodeOrName(names.of(code))).toBe(code.toLowerCase());
    }
  });
});

describe("stateOfAddress", () => {
  it("uses the province code when there is one", () => {
    expect(stateOfAddress({ province_code: "CA", province: "California" }, "us")).toBe("ca");
    expect(stateOfAddress({ province_code: "NSW", province: "New South Wales" }, "au")).toBe("nsw");
  });

  it.each([
    ["California", "us", "ca"],
    ["new york", "us", "ny"],
    ["District of Columbia", "us", "dc"],
    ["Ontario", "ca", "on"],
    ["Québec", "ca", "qc"],
    ["Bavaria", "de", "bavaria"],
    ["Baden-Württemberg", "de", "badenwürttemberg"],
  ])("falls back from the name %j (%s) to %j when the code is missing", (province, country, expected) => {
    expect(stateOfAddress({ province_code: null, province }, country)).toBe(expected);
  });

  it("drops a US or Canadian name it cannot map rather than send something else", () => {
    expect(stateOfAddress({ province_code: null, province: "Gondor" }, "us")).toBeNull();
    expect(stateOfAddress({ province_code: null, province: "Gondor" }, "ca")).toBeNull();
  });

  it.each([
    [{ province_code: "JP-13", province: "Tōkyō" }, "tokyo"],
    [{ province_code: "JP-01", province: null }, "hokkaido"],
    [{ province_code: "JP-47", province: null }, "okinawa"],
    [{ province_code: "JP-27", province: "Osaka" }, "osaka"],
    [{ province_code: null, province: "Kyoto-fu" }, "kyoto"],
    [{ province_code: null, province: "Tokyo" }, "tokyo"],
    [{ province_code: null, province: "Tōkyō-to" }, "tokyo"],
  ])("sends a Japanese prefecture as its romanised name: %j → %s", (address, expected) => {
    expect(stateOfAddress(address, "jp")).toBe(expected);
  });

  it("sends nothing for a Japanese code or name it does not know", () => {
    expect(stateOfAddress({ province_code: "JP-48", province: null }, "jp")).toBeNull();
    expect(stateOfAddress({ province_code: "JP-00", province: null }, "jp")).toBeNull();
    expect(stateOfAddress({ province_code: null, province: "東京都" }, "jp")).toBeNull();
  });

  it("passes an already hashed code through", () => {
    const digest = "a".repeat(64);
    expect(stateOfAddress({ province_code: digest, province: null }, "us")).toBe(digest);
  });

  it("gives every JP-01…JP-47 a distinct lowercase a-z name, never the code", () => {
    const names = Array.from({ length: 47 }, (_, i) => stateOfAddress({ province_code: `JP-${String(i + 1).padStart(2, "0")}` }, "jp"));
    expect(new Set(names).size).toBe(47);
    for (const name of names) expect(name).toMatch(/^[a-z]+$/);
  });

  it("always yields lowercase without spaces or punctuation (Meta's rule for st), or null", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 12 })),
        fc.option(fc.string({ maxLength: 30 })),
        fc.constantFrom("us", "ca", "jp", "de", "au", null),
        (code, province, country) => {
          const st = stateOfAddress({ province_code: code, province }, country);
          if (st === null || /^[0-9a-f]{64}$/.test(st)) return;
          expect(st).toBe(st.toLowerCase());
          expect(st).not.toMatch(/[\s\p{P}]/u);
          expect(st).not.toBe("");
          if (country === "us") expect(st).toMatch(/^[a-z]{2}$/);
        },
      ),
    );
  });
});

describe("foldName", () => {
  it("folds accents and drops everything but a-z", () => expect(foldName("Côte d’Ivoire")).toBe("cotedivoire"));
});
