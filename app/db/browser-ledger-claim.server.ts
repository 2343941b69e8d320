import type { Kysely } from "kysely";
import type { Database } from "./connection.server";
import type { DeliveryRow } from "./outbox-types";
import type { Schema } from "./schema";
import { AWAITING_BROWSER_REPORT, BROWSER_LEDGER_PROVENANCE } from "./browser-ledger-ingest.server";
import { withWriteTransaction } from "./write-transaction.server";

// The browser ledger at the claim (decision 0029): a Purchase stored before its browser reported waited
// BROWSER_REPORT_WAIT_MS; now that it is due, the ledger is read once more. If the browser's Purchase used
// another id, the row is sent under the browser's id and the order's claim moves to it — but only before the
// row's first request: a row with an attempt or a sending marker keeps its id, since Meta may have seen it.
// An id another order owns stays with that order (decision 0015): the row keeps the server's id.
// Only rows carrying AWAITING_BROWSER_REPORT are looked at, so a claim without them costs nothing more.

type Watched = DeliveryRow & { orderId: string };
type OrderLedger = { orderId: string; eventId: string; browserId: string | null };

export async function adoptBrowserPurchaseIds(database: Database, rows: DeliveryRow[], nowMs: number): Promise<DeliveryRow[]> {
  const watched = rows.filter(
    (row): row is Watched => row.statusReason === AWAITING_BROWSER_REPORT && row.orderId !== null && row.attempts === 0 && row.sendingStartedAt === null,
  );
  if (watched.length === 0) return rows;
  const rewritten = new Map<number, string>();
  try {
    await withWriteTransaction(database, async (db) => {
      for (const [key, group] of groupBy(watched, (row) => `${row.shop}\n${row.eventName}`)) {
        const [shop, eventName] = key.split("\n") as [string, string];
        const orders = await db
          .selectFrom("order_events as oe")
          .leftJoin("browser_purchase_ids as b", (join) => join.onRef("b.shop", "=", "oe.shop").onRef("b.checkout_token", "=", "oe.checkout_token"))
          .select(["oe.order_id as orderId", "oe.event_id as eventId", "b.event_id as browserId"])
          .where("oe.shop", "=", shop)
          .where("oe.event_name", "=", eventName)
          .where("oe.order_id", "in", [...new Set(group.map((row) => row.orderId))])
          .execute();
        for (const order of orders as OrderLedger[]) {
          const owned = await settleOrderId(db, shop, eventName, order);
          if (owned !== order.browserId) continue;
          for (const row of group) {
            if (row.orderId !== order.orderId || row.eventId === owned) continue;
            const payload = row.payload === null ? null : JSON.stringify({ ...row.payload, event_id: owned });
            const result = await db
              .updateTable("deliveries")
              .set({ event_id: owned, provenance: BROWSER_LEDGER_PROVENANCE, payload, updated_at: nowMs })
              .where("id", "=", row.id)
              .where("attempts", "=", 0)
              .where("sending_started_at", "is", null)
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) === 1) rewritten.set(row.id, owned);
          }
        }
      }
      // The wait is over for every watched row, rewritten or not.
      await db
        .updateTable("deliveries")
        .set({ status_reason: null })
        .where("id", "in", watched.map((row) => row.id))
        .where("status_reason", "=", AWAITING_BROWSER_REPORT)
        .execute();
    });
  } catch {
    // A concurrent webhook claimed the browser's id between the read and the move (PostgreSQL's unique key
    // said so): nothing was changed, and the rows go out under the server's id, as they would without a report.
    return rows;
  }
  const waited = new Set(watched.map((row) => row.id));
  return rows.map((row) => {
    if (!waited.has(row.id)) return row;
    const eventId = rewritten.get(row.id);
    if (eventId === undefined) return { ...row, statusReason: null };
    return { ...row, statusReason: null, eventId, provenance: BROWSER_LEDGER_PROVENANCE, payload: row.payload === null ? null : { ...row.payload, event_id: eventId } };
  });
}

/**
 * Records what the browser reported for the order and, when its id differs and no other order owns it, moves
 * the order's claim to it. Returns the id the order owns afterwards.
 */
async function settleOrderId(db: Kysely<Schema>, shop: string, eventName: string, order: OrderLedger): Promise<string> {
  const claim = db.updateTable("order_events").where("shop", "=", shop).where("event_name", "=", eventName).where("order_id", "=", order.orderId);
  if (order.browserId === null) return order.eventId;
  if (order.browserId === order.eventId) {
    await claim.set({ browser_event_id: order.browserId }).execute();
    return order.eventId;
  }
  const owner = await db
    .selectFrom("order_events")
    .select("order_id")
    .where("shop", "=", shop)
    .where("event_name", "=", eventName)
    .where("event_id", "=", order.browserId)
    .executeTakeFirst();
  if (owner !== undefined && owner.order_id !== order.orderId) {
    await claim.set({ browser_event_id: order.browserId }).execute();
    return order.eventId;
  }
  await claim.set({ event_id: order.browserId, browser_event_id: order.browserId }).execute();
  return order.browserId;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}
