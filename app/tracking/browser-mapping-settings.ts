// The part of the purchase settings the Web Pixel applies too (decision 0018): whether the value includes
// shipping and tax, and which catalog id names a line. Their defaults live here, apart from the other
// settings, so the pixel bundles four values and not the server's whole settings object; purchase-settings.ts
// takes its defaults for these four from here.
import type { CatalogIdSettings } from "./content-id";

export type BrowserMappingSettings = {
  includeShipping: boolean;
  includeTax: boolean;
} & CatalogIdSettings;

// Written out, not spread: the CLI's ES2015 build of the pixel turns every object spread into a helper.
export const DEFAULT_BROWSER_MAPPING_SETTINGS: BrowserMappingSettings = {
  includeShipping: true,
  includeTax: true,
  contentId: "variant",
  catalogCountry: "",
};
