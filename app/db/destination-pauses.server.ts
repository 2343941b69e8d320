import type { Database } from "./connection.server";

/** A paused destination and why: shown to the merchant and the operator, and read by the worker. */
export type DestinationPause = { destination: string; reason: string; pausedAt: number };

export type DestinationPauses = ReturnType<typeof createDestinationPauses>;

// Pause state of single destinations (decision 0016). The shop-wide pause is the shops row's
// needs_attention_reason; this table holds the narrower ones, so a pixel Meta refuses stops only itself.
export function createDestinationPauses(database: Database) {
  const { db } = database;

  /** Pauses (or re-pauses with the latest cause) one destination of a shop. */
  async function pauseDestination(shop: string, destination: string, reason: string, nowMs: number): Promise<void> {
    await db
      .insertInto("destination_pauses")
      .values({ shop, destination, reason, paused_at: nowMs })
      .onConflict((oc) => oc.columns(["shop", "destination"]).doUpdateSet({ reason, paused_at: nowMs }))
      .execute();
  }

  async function getDestinationPause(shop: string, destination: string): Promise<DestinationPause | null> {
    const row = await db
      .selectFrom("destination_pauses")
      .selectAll()
      .where("shop", "=", shop)
      .where("destination", "=", destination)
      .executeTakeFirst();
    return row === undefined ? null : { destination: row.destination, reason: row.reason, pausedAt: Number(row.paused_at) };
  }

  async function listDestinationPauses(shop: string): Promise<DestinationPause[]> {
    const rows = await db
      .selectFrom("destination_pauses")
      .selectAll()
      .where("shop", "=", shop)
      .orderBy("destination")
      .execute();
    return rows.map((row) => ({ destination: row.destination, reason: row.reason, pausedAt: Number(row.paused_at) }));
  }

  /** Lifts the pauses of one shop (every shop when `shop` is undefined). Returns how many were lifted. */
  async function resumeDestinations(shop?: string): Promise<number> {
    let query = db.deleteFrom("destination_pauses");
    if (shop !== undefined) query = query.where("shop", "=", shop);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Lifts one destination's pause (its credentials were confirmed, or it is no longer configured). */
  async function resumeDestination(shop: string, destination: string): Promise<boolean> {
    const result = await db
      .deleteFrom("destination_pauses")
      .where("shop", "=", shop)
      .where("destination", "=", destination)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  return { pauseDestination, getDestinationPause, listDestinationPauses, resumeDestinations, resumeDestination };
}
