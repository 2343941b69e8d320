import type { Services } from "../services";
import { readOrderRowSummary } from "../db/delivery-reads.server";

// Home once setup is done: how delivery is going, instead of a checklist with every box ticked. Its figures are
// the shop's purchases (order rows): the collector's shopper events would outnumber them tens to one and say
// nothing about whether paid orders reach Meta (decision 0031); Activity lists those.

export type HomeSummary = { sent: number; waiting: number; retrying: number; failed: number; skipped: number; lastSentAt: number | null };

export async function readHomeSummary(deps: Pick<Services, "database">, shop: string): Promise<HomeSummary> {
  const { counts, lastSentAt } = await readOrderRowSummary(deps.database, shop);
  return {
    sent: counts.sent,
    waiting: counts.needs_attention + counts.pending,
    retrying: counts.retrying,
    failed: counts.dead,
    skipped: counts.skipped,
    lastSentAt,
  };
}
