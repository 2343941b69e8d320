// The collector's side of the bounded funnel backlog (decision 0030): while a shop holds more unsent funnel
// rows than its cap plus a margin, new funnel events are refused (and counted) instead of stored. The
// maintenance loop trims the backlog to the cap; the margin keeps the two from racing over the last rows. The
// answer is remembered per shop for a while, so a flood costs one bounded count per shop and window, never a
// COUNT(*) per request.

export type BacklogGateOptions = {
  /** Unsent funnel rows of a shop, counted up to `limit` (app/db/funnel-backlog.server.ts). */
  count(shop: string, limit: number): Promise<number>;
  /** FUNNEL_BACKLOG_MAX. */
  cap: number;
  /** Above the cap by this share, the collector refuses (default 10 %). */
  margin?: number;
  /** How long a shop's answer is kept (default 30 s). */
  ttlMs?: number;
  /** Shops remembered at most (a made-up shop never reaches here: the shop must be configured). */
  maxShops?: number;
};

export type BacklogGate = { isFull(shop: string, nowMs: number): Promise<boolean> };

export const DEFAULT_BACKLOG_MARGIN = 0.1;
export const DEFAULT_BACKLOG_TTL_MS = 30_000;

export function createBacklogGate(options: BacklogGateOptions): BacklogGate {
  const refuseAbove = Math.floor(options.cap * (1 + (options.margin ?? DEFAULT_BACKLOG_MARGIN)));
  const ttlMs = options.ttlMs ?? DEFAULT_BACKLOG_TTL_MS;
  const maxShops = options.maxShops ?? 10_000;
  const known = new Map<string, { until: number; full: Promise<boolean> }>();

  return {
    isFull(shop, nowMs) {
      const entry = known.get(shop);
      if (entry !== undefined && entry.until > nowMs) return entry.full;
      if (known.size >= maxShops) known.clear();
      // One count in flight per shop: requests arriving meanwhile share its answer. A failed count lets
      // events in (the cap is a bound on volume, not a reason to lose events over a read error).
      const full = options.count(shop, refuseAbove + 1).then(
        (n) => n > refuseAbove,
        () => false,
      );
      known.set(shop, { until: nowMs + ttlMs, full });
      return full;
    },
  };
}
