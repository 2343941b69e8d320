// Thin adapter between Shopify's Web Pixel runtime and the pure mapping in app/tracking/pixel.
import { register } from "@shopify/web-pixels-extension";
import { trUrlsForEvent } from "../../../app/tracking/pixel/pixel-event";
import { parsePixelSettings } from "../../../app/tracking/pixel/pixel-settings";
import { createPurchaseIdLedger } from "../../../app/tracking/pixel/purchase-id-ledger";
import { trEndpoint } from "./endpoint";

register(({ analytics, browser, init, settings, customerPrivacy }) => {
  // Pixel ids, the value rules and the catalog id choice; settings written before a field existed read as its default.
  const mapping = parsePixelSettings(settings);
  const pixelIds = mapping.pixelIds;
  if (pixelIds.length === 0) return;
  let privacy = init.customerPrivacy;
  // Consent can change mid-session; Shopify stops loading the pixel without marketing consent, but an
  // already-running pixel must stop on its own.
  customerPrivacy.subscribe("visitorConsentCollected", (event) => {
    privacy = event.customerPrivacy;
  });
  // localStorage, not sessionStorage: checkouts run on the shop's own domain, and a thank-you page reopened in
  // another tab or after a restart must still find the id its Purchase went out under (decision 0011).
  const ledger = createPurchaseIdLedger(browser.localStorage);

  async function cookie(name: string): Promise<string | null> {
    try {
      return (await browser.cookie.get(name)) || null;
    } catch {
      return null;
    }
  }

  async function send(event: unknown): Promise<void> {
    if (privacy.marketingAllowed === false) return;
    // Every checkout event feeds the ledger, also those Meta has no event for (trUrlsForEvent skips them).
    const purchaseEventId = await ledger.observe(event);
    const cookies = { fbp: await cookie("_fbp"), fbc: await cookie("_fbc") };
    const urls = await trUrlsForEvent(event, {
      pixelIds,
      endpoint: trEndpoint(),
      cookies,
      saleOfDataAllowed: privacy.saleOfDataAllowed,
      mapping,
      purchaseEventId,
    });
    // Best effort: a blocked or failed request must never surface in the shop's console.
    for (const url of urls) fetch(url, { mode: "no-cors", keepalive: true }).catch(() => undefined);
  }

  analytics.subscribe("all_standard_events", (event) => {
    send(event).catch(() => undefined);
  });
});
