import { describe, expect, it } from "vitest";
import { settingOptions } from "../../app/admin/purchase-setting-labels";
import { CONTENT_ID_FORMATS } from "../../app/tracking/content-id";
import { DEFAULT_PURCHASE_SETTINGS, PURCHASE_SETTING_CHOICES } from "../../app/tracking/purchase-settings";
import { storedPurchaseSettingsSchema } from "../../app/tracking/purchase-settings-schema";

const SETTINGS = [...(Object.keys(PURCHASE_SETTING_CHOICES) as Array<keyof typeof PURCHASE_SETTING_CHOICES>), "contentId"] as const;

describe("purchase settings: one list of choices", () => {
  it("the settings page offers every choice, each with its own words, in the list's order", () => {
    for (const setting of SETTINGS) {
      const options = settingOptions(setting);
      const values = setting === "contentId" ? CONTENT_ID_FORMATS : PURCHASE_SETTING_CHOICES[setting];
      expect(options.map((option) => option.value)).toEqual([...values]);
      for (const option of options) expect(option.label).not.toBe(option.value);
      expect(new Set(options.map((option) => option.label)).size).toBe(options.length);
    }
  });

  it("every default is one of its setting's choices, and the stored schema accepts the defaults", () => {
    for (const setting of SETTINGS) {
      const values: readonly string[] = setting === "contentId" ? CONTENT_ID_FORMATS : PURCHASE_SETTING_CHOICES[setting];
      expect(values).toContain(DEFAULT_PURCHASE_SETTINGS[setting]);
    }
    expect(storedPurchaseSettingsSchema.safeParse(DEFAULT_PURCHASE_SETTINGS).success).toBe(true);
  });

  it("the stored schema refuses a value no setting offers", () => {
    expect(storedPurchaseSettingsSchema.safeParse({ sendOn: "shipped" }).success).toBe(false);
    expect(storedPurchaseSettingsSchema.safeParse({ catalogCountry: "usa" }).success).toBe(false);
  });
});
