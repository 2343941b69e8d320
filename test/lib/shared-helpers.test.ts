import { describe, expect, it } from "vitest";
import { chunk } from "../../app/lib/chunk";
import { errorMessage } from "../../app/lib/error-message";

describe("chunk", () => {
  it("splits into runs of at most the size, in order, the last one shorter", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it("reads a size below one as one instead of looping forever", () => {
    expect(chunk(["a", "b"], 0)).toEqual([["a"], ["b"]]);
    expect(chunk(["a", "b", "c"], 2.9)).toEqual([["a", "b"], ["c"]]);
  });
});

describe("errorMessage", () => {
  it("gives an Error's message and anything else as text", () => {
    expect(errorMessage(new TypeError("bad input"))).toBe("bad input");
    expect(errorMessage("plain string")).toBe("plain string");
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(null)).toBe("null");
  });
});
