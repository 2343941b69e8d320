import type { Database } from "./connection.server";
import { metaDestination, UNCONFIGURED_DESTINATION } from "../destinations/destination-key";
import { withWriteTransaction } from "./write-transaction.server";
import { pendingColumns } from "./outbox-types";
import { META_EVENT_WINDOW_MS, META_WINDOW_WORDS, tooOldReason } from "../destinations/meta/event-window";

/** Leave the worker time to send a released row before Meta's window closes. */
export const FAN_OUT_MARGIN_MS = 60 * 60 * 1000;

export type FanOutResult = { released: number; tooOld: number };

/**
 * The shop now has pixels: each held 'meta:unconfigured' row becomes one pending row per pixel (on conflict do
 * nothing, so a row already sent to that pixel is not duplicated) and the held row is deleted. Rows that could
 * no longer reach Meta in time are marked dead 'too_old' instead, so the merchant can see what was lost.
 */
export async function fanOutHeld(
  database: Database,
  shop: string,
  pixelIds: readonly string[],
  nowMs: number,
): Promise<FanOutResult> {
  if (pixelIds.length === 0) return { released: 0, tooOld: 0 };
  const oldestEventTime = Math.floor((nowMs - META_EVENT_WINDOW_MS + FAN_OUT_MARGIN_MS) / 1000);

  return withWriteTransaction(database, async (db) => {
    const held = db
      .selectFrom("deliveries")
      .where("shop", "=", shop)
      .where("destination", "=", UNCONFIGURED_DESTINATION)
      .where("status", "=", "held");

    const tooOld = await db
      .updateTable("deliveries")
      .set({ status: "dead", status_reason: tooOldReason(`event_time was past ${META_WINDOW_WORDS} when the shop was configured; not sent`), updated_at: nowMs })
      .where("shop", "=", shop)
      .where("destination", "=", UNCONFIGURED_DESTINATION)
      .where("status", "=", "held")
      .where("event_time", "<", oldestEventTime)
      .executeTakeFirst();

    const rows = await held.selectAll().execute();
    let released = 0;
    for (const row of rows) {
      const copies = pixelIds.map((pixelId) => ({
        shop: row.shop,
        destination: metaDestination(pixelId),
        event_name: row.event_name,
        event_id: row.event_id,
        provenance: row.provenance,
        order_id: row.order_id,
        order_name: row.order_name,
        event_time: row.event_time,
        payload: row.payload,
        match_keys: row.match_keys,
        order_kind: row.order_kind,
        ...pendingColumns(nowMs),
      }));
      const inserted = await db
        .insertInto("deliveries")
        .values(copies)
        .onConflict((oc) => oc.columns(["shop", "destination", "event_name", "event_id"]).doNothing())
        .executeTakeFirst();
      released += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    }
    if (rows.length > 0) {
      await db
        .deleteFrom("deliveries")
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
    }
    return { released, tooOld: Number(tooOld.numUpdatedRows) };
  });
}
