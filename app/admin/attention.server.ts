import type { Services } from "../services";
import { withPixelIds } from "../destinations/destination-key";
import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";
import { countWaiting } from "../db/delivery-reads.server";

/**
 * By when the waiting events must go out: Meta takes an event up to 7 days after it happened, so the oldest
 * waiting event (or, with none, the pause itself) sets the date. `atRisk` are the waiting events whose window
 * closes within a day of it; `waiting` all of them.
 */
export type PauseDeadline = { sendBy: number; atRisk: number; waiting: number; expired: number };

/** One pixel paused on its own (decision 0016): its events wait, the shop's other pixels keep sending. */
export type PixelPause = { pixelId: string; reason: string; pausedAt: number; deadline: PauseDeadline };

export type Attention = {
  reason: string | null;
  pausedAt: number | null;
  /** Set while the shop is paused: the shop's waiting events. */
  deadline: PauseDeadline | null;
  paused: number;
  dead: number;
  pixels: PixelPause[];
};

type Deps = Pick<Services, "shops" | "outbox" | "database">;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the needs-attention banner says: the shop's paused reason (its token), each paused pixel with Meta's
 * cause, how many events wait or failed, and by when the waiting ones must be sent.
 */
export async function readAttention(deps: Deps, shop: string, nowMs = Date.now()): Promise<Attention> {
  const [config, counts, pauses] = await Promise.all([
    deps.shops.getShop(shop),
    deps.outbox.countByStatus(shop),
    deps.shops.listDestinationPauses(shop),
  ]);
  const pixels = await Promise.all(
    withPixelIds(pauses).map(async ({ pixelId, destination, reason, pausedAt }) => {
      const deadline = await readDeadline(deps, shop, pausedAt, nowMs, destination);
      return { pixelId, reason, pausedAt, deadline };
    }),
  );
  const reason = config?.needsAttentionReason ?? null;
  const pausedAt = config?.needsAttentionAt ?? null;
  const deadline = reason === null ? null : await readDeadline(deps, shop, pausedAt ?? nowMs, nowMs);
  return { reason, pausedAt, deadline, paused: counts.needs_attention, dead: counts.dead, pixels };
}

async function readDeadline(deps: Deps, shop: string, pausedAt: number, nowMs: number, destination?: string): Promise<PauseDeadline> {
  const windowOpenFrom = Math.floor((nowMs - META_EVENT_WINDOW_MS) / 1000);
  const sendByOf = (oldest: number | null) => (oldest === null ? pausedAt : oldest * 1000) + META_EVENT_WINDOW_MS;
  // The banner counts purchases at risk: funnel rows wait too, but their loss is bounded and not what it reports.
  const counts = await countWaiting(deps.database, { shop, destination, ordersOnly: true }, windowOpenFrom, (oldest) =>
    Math.floor((sendByOf(oldest) - META_EVENT_WINDOW_MS + DAY_MS) / 1000),
  );
  return { sendBy: sendByOf(counts.oldestSendable), atRisk: counts.atRisk, waiting: counts.waiting, expired: counts.waiting - counts.sendable };
}
