// Meta's second deduplication method (docs/meta-capi-facts.md, "How Meta deduplicates"): event_name plus a
// shared person id — external_id, or fbp, which Meta uses as the external id when none is sent. It works only
// browser-first: a server event is dropped when a browser event of the same name and person arrived in the
// 48 h before it; a browser event arriving later changes nothing, and one source never dedups itself. The
// ledger applies it to server events without event_id only (meta-dedup-ledger.ts says why).

export type MatchIds = { externalIds: readonly string[]; fbp: string | undefined };

export const NO_MATCH_IDS: MatchIds = { externalIds: [], fbp: undefined };

/** external_id when both sides carry one (Meta favours it), otherwise fbp. */
export function samePerson(a: MatchIds, b: MatchIds): boolean {
  if (a.externalIds.length > 0 && b.externalIds.length > 0) return a.externalIds.some((id) => b.externalIds.includes(id));
  return a.fbp !== undefined && a.fbp === b.fbp;
}

type Sighting = { atMs: number; ids: MatchIds };

export type BrowserSightings = {
  add(pixelId: string, eventName: string, atMs: number, ids: MatchIds): void;
  /** Whether a browser event of this pixel, name and person arrived within `windowMs` before `atMs`. */
  precedes(pixelId: string, eventName: string, atMs: number, ids: MatchIds, windowMs: number): boolean;
  clear(): void;
};

export function createBrowserSightings(): BrowserSightings {
  const byName = new Map<string, Sighting[]>();
  const keyOf = (pixelId: string, eventName: string) => `${pixelId}\u0000${eventName}`;
  return {
    add(pixelId, eventName, atMs, ids) {
      if (ids.externalIds.length === 0 && ids.fbp === undefined) return;
      const key = keyOf(pixelId, eventName);
      const list = byName.get(key) ?? [];
      list.push({ atMs, ids });
      byName.set(key, list);
    },
    precedes(pixelId, eventName, atMs, ids, windowMs) {
      if (ids.externalIds.length === 0 && ids.fbp === undefined) return false;
      const list = byName.get(keyOf(pixelId, eventName)) ?? [];
      return list.some((seen) => seen.atMs <= atMs && atMs - seen.atMs <= windowMs && samePerson(seen.ids, ids));
    },
    clear() {
      byName.clear();
    },
  };
}

/** The person ids of a CAPI event's user_data (strings or lists of strings, as Meta accepts them). */
export function matchIdsOfUserData(userData: unknown): MatchIds {
  if (typeof userData !== "object" || userData === null) return NO_MATCH_IDS;
  const { external_id: externalId, fbp } = userData as Record<string, unknown>;
  const externalIds = (Array.isArray(externalId) ? externalId : [externalId]).filter(
    (id): id is string => typeof id === "string" && id !== "",
  );
  return { externalIds, fbp: typeof fbp === "string" && fbp !== "" ? fbp : undefined };
}
