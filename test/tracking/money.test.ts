import { describe, expect, it } from "vitest";
import { currencyCode, roundMoney } from "../../app/tracking/money";

describe("roundMoney", () => {
  it("rounds to cents, so the browser and the server send one value for one event", () => {
    expect(roundMoney(19.999)).toBe(20);
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(roundMoney(12.344)).toBe(12.34);
  });
});

describe("currencyCode", () => {
  it("trims and upper-cases a three-letter code", () => {
    expect(currencyCode(" usd ")).toBe("USD");
    expect(currencyCode("EUR")).toBe("EUR");
  });

  it("is null for anything that is not three letters", () => {
    expect(currencyCode("US")).toBeNull();
    expect(currencyCode("US1")).toBeNull();
    expect(currencyCode("")).toBeNull();
    expect(currencyCode(840)).toBeNull();
    expect(currencyCode(undefined)).toBeNull();
  });
});
