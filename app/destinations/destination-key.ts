// The outbox and the pause table name where a row goes with one string key: `meta:<pixel id>`, or
// `meta:unconfigured` for events that arrived before the shop had a pixel (held until one is configured).
// Built and read only here, so no caller slices strings.

export type DestinationKey = string;

export type Destination = { kind: "meta"; pixelId: string } | { kind: "unconfigured" };

const META_PREFIX = "meta:";

/** Destination of events that arrived before the shop had a pixel: held until fanOutHeld. */
export const UNCONFIGURED_DESTINATION: DestinationKey = `${META_PREFIX}unconfigured`;

export function metaDestination(pixelId: string): DestinationKey {
  return `${META_PREFIX}${pixelId}`;
}

/**
 * What a stored key names, or null for a key this app never writes. The pixel id must be digits: it becomes a
 * Graph API path segment, so a damaged key is never called. Its length is not judged here (pixel-id.ts judges
 * ids where they are entered); a stored key stays deliverable whatever the entry rule was when it was saved.
 */
export function parseDestination(key: string): Destination | null {
  if (key === UNCONFIGURED_DESTINATION) return { kind: "unconfigured" };
  if (!key.startsWith(META_PREFIX)) return null;
  const pixelId = key.slice(META_PREFIX.length);
  return /^\d+$/.test(pixelId) ? { kind: "meta", pixelId } : null;
}

/** The pixel a key sends to; null for the unconfigured key and for keys this app never writes. */
export function pixelIdOf(key: string): string | null {
  const destination = parseDestination(key);
  return destination?.kind === "meta" ? destination.pixelId : null;
}

/** The items keyed to a Meta pixel (pauses, rows), each with its pixel id; the others are left out. */
export function withPixelIds<T extends { destination: string }>(items: readonly T[]): Array<T & { pixelId: string }> {
  return items.flatMap((item) => {
    const pixelId = pixelIdOf(item.destination);
    return pixelId === null ? [] : [{ ...item, pixelId }];
  });
}
