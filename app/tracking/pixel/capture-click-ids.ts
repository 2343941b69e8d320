// Click ids of other ad networks, kept for future destinations (`_tandem_click_ids`, attributes.ts).
export const CLICK_ID_PARAMS = [
  "gclid",
  "gbraid",
  "wbraid",
  "ttclid",
  "msclkid",
  "twclid",
  "li_fat_id",
  "epik",
  "sccid",
] as const;

const MAX_CLICK_ID_LENGTH = 200;

export type ClickIds = Partial<Record<(typeof CLICK_ID_PARAMS)[number], string>>;

/** Click ids in a URL's query, verbatim (case preserved); over-long values are dropped. */
export function clickIdsFromUrl(url: string): ClickIds {
  const found: ClickIds = {};
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return found;
  }
  for (const name of CLICK_ID_PARAMS) {
    const value = (params.get(name) || "").trim();
    if (value && value.length <= MAX_CLICK_ID_LENGTH) found[name] = value;
  }
  return found;
}

/** Remembered ids with the newest sighting winning per network; unreadable memory counts as none. */
export function mergeClickIds(remembered: string | null, seen: ClickIds): ClickIds {
  const merged: ClickIds = {};
  try {
    const parsed: unknown = JSON.parse(remembered || "{}");
    if (typeof parsed === "object" && parsed !== null) {
      for (const name of CLICK_ID_PARAMS) {
        const value = (parsed as Record<string, unknown>)[name];
        if (typeof value === "string" && value !== "" && value.length <= MAX_CLICK_ID_LENGTH) merged[name] = value;
      }
    }
  } catch {
    // Corrupt memory: start over from what this page shows.
  }
  // Object.assign, not spread: the ES2017 embed build would inline a spread helper.
  return Object.assign(merged, seen);
}
