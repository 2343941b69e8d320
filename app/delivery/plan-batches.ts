import type { ClaimedDelivery } from "./ports";
import { pixelIdOf } from "../destinations/destination-key";

// Rows for one shop and one Meta pixel share a token and an endpoint, so they travel together.
export type DeliveryGroup = {
  shop: string;
  destination: string;
  pixelId: string | null;
  rows: ClaimedDelivery[];
};

export function groupByDestination(rows: readonly ClaimedDelivery[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const row of rows) {
    const key = `${row.shop}\u0000${row.destination}`;
    let group = groups.get(key);
    if (!group) {
      group = { shop: row.shop, destination: row.destination, pixelId: pixelIdOf(row.destination), rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}
