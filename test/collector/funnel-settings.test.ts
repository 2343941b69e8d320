import { describe, expect, it } from "vitest";
import { FUNNEL_EVENTS_FIELD, validateSettingsForm } from "../../app/admin/settings-form";
import { readStoredSettings } from "../../app/db/shop-settings";
import { DEFAULT_FUNNEL_EVENTS, enabledFunnelEvents } from "../../app/tracking/funnel-events";

// The per-event switch (issue 16): stored with the shop's settings, default all but PageView, set on the settings page.

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries({ pixelIds: "1234567890", valueSource: "presentment", unknownConsent: "send", ...fields })) data.set(key, value);
  return data;
}

describe("funnelEvents setting", () => {
  it("defaults to every shopper event but PageView, and ignores names it does not know", () => {
    expect(enabledFunnelEvents(readStoredSettings("{}"))).toEqual(["ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"]);
    expect(DEFAULT_FUNNEL_EVENTS).not.toContain("PageView");
    expect(enabledFunnelEvents(readStoredSettings(JSON.stringify({ funnelEvents: ["PageView", "Search"] })))).toEqual(["PageView", "Search"]);
    expect(enabledFunnelEvents(readStoredSettings(JSON.stringify({ funnelEvents: [] })))).toEqual([]);
    expect(enabledFunnelEvents(readStoredSettings(JSON.stringify({ funnelEvents: ["Purchase"] })))).toEqual(DEFAULT_FUNNEL_EVENTS);
  });

  it("the settings form sets exactly the boxes ticked, and a form without the switches keeps what is stored", () => {
    const ticked = validateSettingsForm(form({ [FUNNEL_EVENTS_FIELD]: "1", "funnelEvent.PageView": "on", "funnelEvent.AddToCart": "on" }), true);
    expect(ticked.ok && ticked.patch.settings?.funnelEvents).toEqual(["PageView", "AddToCart"]);
    const none = validateSettingsForm(form({ [FUNNEL_EVENTS_FIELD]: "1" }), true);
    expect(none.ok && none.patch.settings?.funnelEvents).toEqual([]);
    const without = validateSettingsForm(form({ "funnelEvent.PageView": "on" }), true);
    expect(without.ok && without.patch.settings && "funnelEvents" in without.patch.settings).toBe(false);
  });
});
