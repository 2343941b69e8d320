import { openDatabase } from "../../app/db/connection.server";
import { createOutbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { metaDestination } from "../../app/destinations/destination-key";
import { buildPurchaseFromOrder, DEFAULT_PURCHASE_SETTINGS } from "../../app/tracking/purchase-from-order";
import { outboxRowsFor } from "../../app/webhooks/outbox-rows";
import { numberedOrder } from "../../sim/fixtures/order-payloads";

// The delivery benchmark's backlog, written by the BENCH process straight into the app's database (SQLite
// lets two processes share the file): building 20,000 orders is set-up work, and doing it inside the app
// process would count its memory against the app's peak RSS.
export async function fillOutbox(
  databaseUrl: string,
  shops: ReadonlyArray<{ shop: string; pixelId: string }>,
  perShop: number,
  firstOrder: number,
): Promise<number> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  const outbox = createOutbox(database);
  const nowMs = Date.now();
  const now = new Date(nowMs).toISOString();
  let total = 0;
  try {
    for (const [index, target] of shops.entries()) {
      let rows: NewDelivery[] = [];
      for (let i = 0; i < perShop; i += 1) {
        const n = firstOrder + index * perShop + i;
        const mapping = await buildPurchaseFromOrder(numberedOrder(n, { processed_at: now }), {
          nowMs,
          settings: DEFAULT_PURCHASE_SETTINGS,
          storefrontUrl: `https://${target.shop}`,
        });
        if (mapping.kind !== "event") throw new Error(`bench order ${n} did not map: ${mapping.kind}`);
        rows.push(...outboxRowsFor(mapping, { shop: target.shop, destinations: [metaDestination(target.pixelId)], status: "pending", nowMs }));
        if (rows.length === 500) {
          total += (await outbox.enqueue(rows, nowMs)).inserted;
          rows = [];
        }
      }
      total += (await outbox.enqueue(rows, nowMs)).inserted;
    }
  } finally {
    await database.close();
  }
  return total;
}
