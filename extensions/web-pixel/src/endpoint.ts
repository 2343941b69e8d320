import { META_TR_ENDPOINT } from "../../../app/tracking/pixel/tr-url";

// Replaced at build time by scripts/build-pixel.ts when a test or the demo points the pixel at the Meta
// simulator. A Shopify CLI build leaves it undefined, so production always talks to Meta. A build-time
// constant (not a setting, not a runtime global) means nothing on a live storefront can redirect it.
declare const __TANDEM_TR_ENDPOINT__: string | undefined;

export function trEndpoint(): string {
  return typeof __TANDEM_TR_ENDPOINT__ === "string" ? __TANDEM_TR_ENDPOINT__ : META_TR_ENDPOINT;
}
