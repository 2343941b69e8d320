import type { Services } from "../services";
import { readLastSentAt } from "../db/delivery-reads.server";

// Home once setup is done: how delivery is going, instead of a checklist with every box ticked.

export type HomeSummary = { sent: number; waiting: number; retrying: number; failed: number; skipped: number; lastSentAt: number | null };

export async function readHomeSummary(deps: Pick<Services, "outbox" | "database">, shop: string): Promise<HomeSummary> {
  const [counts, last] = await Promise.all([
    deps.outbox.countByStatus(shop),
    readLastSentAt(deps.database, shop),
  ]);
  return {
    sent: counts.sent,
    waiting: counts.needs_attention + counts.pending,
    retrying: counts.retrying,
    failed: counts.dead,
    skipped: counts.skipped,
    lastSentAt: last,
  };
}
