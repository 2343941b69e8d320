// Thin adapter between Shopify's Web Pixel runtime and the pure mapping in app/tracking/pixel.
import { register } from "@shopify/web-pixels-extension";
import { collectorBody } from "../../../app/tracking/pixel/collector-body";
import { trUrlsForEvent } from "../../../app/tracking/pixel/pixel-event";
import { parseCollectorUrl, parsePixelSettings } from "../../../app/tracking/pixel/pixel-settings";
import { createPurchaseIdLedger } from "../../../app/tracking/pixel/purchase-id-ledger";
import { stringAt } from "../../../app/tracking/pixel/read-shape";
import { trEndpoint } from "./endpoint";

register(({ analytics, browser, init, settings, customerPrivacy }) => {
  // Pixel ids, the value rules and the catalog id choice; settings written before a field existed read as its default.
  const mapping = parsePixelSettings(settings);
  const pixelIds = mapping.pixelIds;
  if (pixelIds.length === 0) return;
  // Tandem's collector (decision 0027): absent in settings written before it existed, and then not called.
  const collector = parseCollectorUrl(settings);
  const shop = stringAt(init, "data", "shop", "myshopifyDomain");
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
    // One collector call per event, not per pixel: the server fans it out to the shop's own pixel ids. A string
    // body goes as text/plain (CORS-safelisted, no preflight); keepalive lets it outlive a page being left.
    if (collector && shop && urls[0]) {
      const body = collectorBody(urls[0], shop, stringAt(event, "data", "checkout", "token"));
      fetch(collector, { method: "POST", body, mode: "no-cors", keepalive: true }).catch(() => undefined);
    }
  }

  analytics.subscribe("all_standard_events", (event) => {
    send(event).catch(() => undefined);
  });
});
