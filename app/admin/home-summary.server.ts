import type { AppContext } from "../context.server";

// Home once setup is done: how delivery is going, instead of a checklist with every box ticked.

export type HomeSummary = { sent: number; waiting: number; retrying: number; failed: number; skipped: number; lastSentAt: number | null };

export async function readHomeSummary(deps: Pick<AppContext, "outbox" | "database">, shop: string): Promise<HomeSummary> {
  const [counts, last] = await Promise.all([
    deps.outbox.countByStatus(shop),
    deps.database.db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.max("sent_at").as("at"))
      .where("shop", "=", shop)
      .where("status", "=", "sent")
      .executeTakeFirst(),
  ]);
  return {
    sent: counts.sent,
    waiting: counts.needs_attention + counts.pending,
    retrying: counts.retrying,
    failed: counts.dead,
    skipped: counts.skipped,
    lastSentAt: last?.at === null || last?.at === undefined ? null : Number(last.at),
  };
}
