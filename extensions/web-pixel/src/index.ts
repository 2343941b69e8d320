// Thin adapter between Shopify's Web Pixel runtime and the pure mapping in app/tracking/pixel.
import { register } from "@shopify/web-pixels-extension";
import { SHOPIFY_TO_META_EVENT } from "../../../app/tracking/event-names";
import { parsePixelIds, trUrlsForEvent } from "../../../app/tracking/pixel/pixel-event";
import { trEndpoint } from "./endpoint";

register(({ analytics, browser, init, settings, customerPrivacy }) => {
  const pixelIds = parsePixelIds(settings);
  if (pixelIds.length === 0) return;
  let privacy = init.customerPrivacy;
  // Consent can change mid-session; Shopify stops loading the pixel without marketing consent, but an
  // already-running pixel must stop on its own.
  customerPrivacy.subscribe("visitorConsentCollected", (event) => {
    privacy = event.customerPrivacy;
  });

  async function cookie(name: string): Promise<string | null> {
    try {
      return (await browser.cookie.get(name)) || null;
    } catch {
      return null;
    }
  }

  async function send(event: unknown): Promise<void> {
    if (privacy.marketingAllowed === false) return;
    const cookies = { fbp: await cookie("_fbp"), fbc: await cookie("_fbc") };
    const urls = await trUrlsForEvent(event, {
      pixelIds,
      endpoint: trEndpoint(),
      cookies,
      saleOfDataAllowed: privacy.saleOfDataAllowed,
    });
    // Best effort: a blocked or failed request must never surface in the shop's console.
    for (const url of urls) fetch(url, { mode: "no-cors", keepalive: true }).catch(() => undefined);
  }

  for (const name of Object.keys(SHOPIFY_TO_META_EVENT)) {
    analytics.subscribe(name, (event: unknown) => {
      send(event).catch(() => undefined);
    });
  }
});
