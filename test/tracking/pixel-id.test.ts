import { describe, expect, it } from "vitest";
import { isPixelId, PIXEL_ID, PIXEL_ID_MAX_DIGITS, PIXEL_ID_MIN_DIGITS } from "../../app/tracking/pixel-id";
import { parsePixelSettings } from "../../app/tracking/pixel/pixel-settings";
import { validateSettingsForm } from "../../app/admin/settings-form";

const digits = (n: number) => "1234567890".repeat(3).slice(0, n);

describe("isPixelId", () => {
  it("accepts the 15- and 16-digit ids Events Manager shows today", () => {
    expect(isPixelId("123456789012345")).toBe(true);
    expect(isPixelId("1234567890123456")).toBe(true);
  });

  it("holds its pattern to the bounds it states", () => {
    expect(PIXEL_ID.source).toBe(`^\\d{${PIXEL_ID_MIN_DIGITS},${PIXEL_ID_MAX_DIGITS}}$`);
    expect(isPixelId(digits(PIXEL_ID_MIN_DIGITS))).toBe(true);
    expect(isPixelId(digits(PIXEL_ID_MAX_DIGITS))).toBe(true);
    expect(isPixelId(digits(PIXEL_ID_MIN_DIGITS - 1))).toBe(false);
    expect(isPixelId(digits(PIXEL_ID_MAX_DIGITS + 1))).toBe(false);
  });

  it("refuses anything that is not only digits", () => {
    for (const value of ["", "12345678901234a", " 123456789012345", "123456789012345 ", "1234-5678-9012", "１２３４５６７８"]) {
      expect(isPixelId(value)).toBe(false);
    }
  });
});

describe("one pixel-id rule on every side", () => {
  it("the settings form and the pixel's settings parser agree on every length", () => {
    for (let n = 1; n <= PIXEL_ID_MAX_DIGITS + 2; n += 1) {
      const id = digits(n);
      const form = new FormData();
      Object.entries({ pixelIds: id, accessToken: "EAA-secret-token", valueSource: "presentment", unknownConsent: "send" }).forEach(
        ([name, value]) => form.set(name, value),
      );
      const saved = validateSettingsForm(form, true).ok;
      const read = parsePixelSettings({ pixelIds: id }).pixelIds.includes(id);
      expect({ n, saved, read }).toEqual({ n, saved: isPixelId(id), read: isPixelId(id) });
    }
  });
});
