import type { AppContext } from "../context.server";

/** One pixel paused on its own (decision 0016): its events wait, the shop's other pixels keep sending. */
export type PixelPause = { pixelId: string; reason: string; pausedAt: number };

export type Attention = { reason: string | null; paused: number; dead: number; pixels: PixelPause[] };

const META_PREFIX = "meta:";

/**
 * What the needs-attention banner says: the shop's paused reason (its token), each paused pixel with Meta's
 * cause, and how many events wait or failed.
 */
export async function readAttention(deps: Pick<AppContext, "shops" | "outbox">, shop: string): Promise<Attention> {
  const [config, counts, pauses] = await Promise.all([
    deps.shops.getShop(shop),
    deps.outbox.countByStatus(shop),
    deps.shops.listDestinationPauses(shop),
  ]);
  const pixels = pauses
    .filter((pause) => pause.destination.startsWith(META_PREFIX))
    .map((pause) => ({ pixelId: pause.destination.slice(META_PREFIX.length), reason: pause.reason, pausedAt: pause.pausedAt }));
  return { reason: config?.needsAttentionReason ?? null, paused: counts.needs_attention, dead: counts.dead, pixels };
}
