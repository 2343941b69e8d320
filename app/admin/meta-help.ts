// Where in Meta's tools a merchant finds what Tandem asks for. Pure: shown by server and browser code.

/** Where in Meta's tools the merchant finds what a step asks for (first-run path). */
export type ChecklistHelp = { text: string; url: string };

export const EVENTS_MANAGER_URL = "https://business.facebook.com/events_manager2";

// In our words: Events Manager lists datasets under Data sources; a dataset's Settings tab shows its ID and,
// in its Conversions API section, the link that generates an access token.
export const WHERE_PIXEL_ID: ChecklistHelp = {
  text: "In Meta Events Manager, open Data sources, pick your dataset (pixel), then Settings: the dataset ID is at the top.",
  url: EVENTS_MANAGER_URL,
};
export const WHERE_TOKEN: ChecklistHelp = {
  text: "In Meta Events Manager, open your dataset's Settings tab and, under Conversions API, choose Generate access token.",
  url: EVENTS_MANAGER_URL,
};
