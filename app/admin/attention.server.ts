import type { AppContext } from "../context.server";

export type Attention = { reason: string | null; paused: number; dead: number };

/** What the needs-attention banner says: the shop's paused reason and how many events wait or failed. */
export async function readAttention(deps: Pick<AppContext, "shops" | "outbox">, shop: string): Promise<Attention> {
  const [config, counts] = await Promise.all([deps.shops.getShop(shop), deps.outbox.countByStatus(shop)]);
  return { reason: config?.needsAttentionReason ?? null, paused: counts.needs_attention, dead: counts.dead };
}
