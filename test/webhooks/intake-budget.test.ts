import { describe, expect, it } from "vitest";
import { normalizeShopDomain } from "../../app/shops/shop-domain";
import { createIntakeBudget } from "../../server/intake-budget";

const KB = 1024;
const limits = { totalBytes: 100 * KB, largeBodyBytes: 10 * KB, largeShareBytes: 40 * KB };

describe("the intake budget", () => {
  it("lets large bodies take only their share, and leaves the rest to small ones", () => {
    const budget = createIntakeBudget(limits);
    const large = [budget.reserve(20 * KB), budget.reserve(20 * KB)];
    expect(large).not.toContain(null);
    // The large share is full: another large body is refused, a small one is not
    expect(budget.reserve(11 * KB)).toBeNull();
    const small = Array.from({ length: 6 }, () => budget.reserve(10 * KB));
    expect(small).not.toContain(null);
    // The whole budget is full now (40 + 60 KB): even a small body is refused
    expect(budget.inUse()).toEqual({ total: 100 * KB, large: 40 * KB });
    expect(budget.reserve(1)).toBeNull();
  });

  it("gives bytes back once, however often a reservation is released", () => {
    const budget = createIntakeBudget(limits);
    const first = budget.reserve(30 * KB);
    const second = budget.reserve(5 * KB);
    first?.release();
    first?.release();
    expect(budget.inUse()).toEqual({ total: 5 * KB, large: 0 });
    second?.release();
    expect(budget.inUse()).toEqual({ total: 0, large: 0 });
    expect(budget.reserve(40 * KB)).not.toBeNull();
  });
});

describe("normalizeShopDomain", () => {
  it.each([
    ["my-shop.myshopify.com", "my-shop.myshopify.com"],
    ["My-Shop.MyShopify.COM", "my-shop.myshopify.com"],
    ["  shop1.myshopify.com ", "shop1.myshopify.com"],
  ])("reads %j as %j", (input, expected) => {
    expect(normalizeShopDomain(input)).toBe(expected);
  });

  it.each(["", "shop.example.com", "-shop.myshopify.com", "shop.myshopify.com.evil.com", "https://shop.myshopify.com", "a b.myshopify.com", "shop.myshopify.io", `${"a".repeat(300)}.myshopify.com`])(
    "refuses %j",
    (input) => {
      expect(normalizeShopDomain(input)).toBeNull();
    },
  );

  it("refuses what is not a string", () => {
    expect(normalizeShopDomain(undefined)).toBeNull();
    expect(normalizeShopDomain(null)).toBeNull();
  });
});
