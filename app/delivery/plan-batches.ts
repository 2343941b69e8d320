import type { ClaimedDelivery } from "./ports";

// Rows for one shop and one Meta pixel share a token and an endpoint, so they travel together.
export type DeliveryGroup = {
  shop: string;
  destination: string;
  pixelId: string | null;
  rows: ClaimedDelivery[];
};

const META_PREFIX = "meta:";
const UNCONFIGURED = "unconfigured";

export function pixelIdFromDestination(destination: string): string | null {
  if (!destination.startsWith(META_PREFIX)) return null;
  const pixelId = destination.slice(META_PREFIX.length);
  // Pixel (dataset) ids are numeric; anything else cannot be a Graph API path segment we should call.
  if (pixelId === UNCONFIGURED || !/^\d+$/.test(pixelId)) return null;
  return pixelId;
}

export function groupByDestination(rows: readonly ClaimedDelivery[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const row of rows) {
    const key = `${row.shop}\u0000${row.destination}`;
    let group = groups.get(key);
    if (!group) {
      group = { shop: row.shop, destination: row.destination, pixelId: pixelIdFromDestination(row.destination), rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step));
  return out;
}
