import type { Kysely } from "kysely";
import type { NewDeliveryRecord, Schema } from "../../app/db/schema";

// Delivery rows seeded straight into the table, for tests of what READS them (pages, counts, redaction) where
// going through the webhook would only slow the test down. Each test names what matters to it; the rest is a
// plain Purchase that has not been tried yet.

export type DeliveryRowFields = Partial<NewDeliveryRecord> & Pick<NewDeliveryRecord, "shop" | "event_id">;

export function deliveryRow(fields: DeliveryRowFields): NewDeliveryRecord {
  return {
    destination: "meta:1234567890",
    event_name: "Purchase",
    provenance: "order_id",
    event_time: 0,
    match_keys: "[]",
    status: "pending",
    attempts: 0,
    next_attempt_at: 0,
    created_at: 0,
    updated_at: 0,
    ...fields,
  };
}

/** Inserts rows in chunks, so thousands of rows stay under the engines' bound-parameter limits. */
export async function insertDeliveryRows(db: Kysely<Schema>, rows: readonly NewDeliveryRecord[], chunk = 200): Promise<void> {
  for (let start = 0; start < rows.length; start += chunk) {
    await db.insertInto("deliveries").values(rows.slice(start, start + chunk)).execute();
  }
}
