import { countWaitingFunnelEvents } from "../../app/db/funnel-backlog.server";
import type { Services } from "../../app/services";

// The demo's report reads what Meta received, so it may start only once Tandem has nothing left to send. Two
// places hold unsent events (decision 0034): the collector's funnel queue, which its own worker drains after
// gathering for 250 ms, and the outbox (Purchases, and any funnel event whose first try failed). On a loaded
// machine the orders' worker can empty the outbox while the funnel worker is still gathering or sending, so
// waiting on the outbox alone printed short funnel counts.

export type DeliveryWait = { drained: true } | { drained: false; funnelWaiting: number; outboxWaiting: number };

const POLL_MS = 50;
// Counting stops here: the demo's shop never has this many, and the answer only has to say "not yet".
const COUNT_LIMIT = 1_000;

/** Polls until the shop's funnel queue and outbox hold nothing unsent, or `timeoutMs` passes; says which. */
export async function waitForDelivery(services: Pick<Services, "database" | "outbox">, shop: string, timeoutMs: number): Promise<DeliveryWait> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The queue first: a funnel event whose first try fails leaves it for the outbox in one transaction, so once
    // the queue is empty nothing new reaches the outbox, and the outbox read after it misses nothing.
    const funnelWaiting = await countWaitingFunnelEvents(services.database, shop, COUNT_LIMIT);
    const counts = await services.outbox.countByStatus(shop);
    const outboxWaiting = counts.pending + counts.retrying;
    if (funnelWaiting === 0 && outboxWaiting === 0) return { drained: true };
    if (Date.now() >= deadline) return { drained: false, funnelWaiting, outboxWaiting };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
