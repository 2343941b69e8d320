// Token buckets per key (a shop, a client address), in memory: the collector is public, and what it must
// protect is this process and the database, which a counter in the same process protects best and cheapest.
// Each bucket holds up to `burst` tokens and refills at `perSecond`; a request takes one. The map is bounded:
// past `maxKeys` the least recently used key is forgotten (a forgotten key starts full again, which only ever
// lets a little more through, never less). Several web processes each keep their own buckets.

export type RateLimit = { perSecond: number; burst: number };

export type RateLimiter = {
  /** Takes a token for `key`; false when its bucket is empty. */
  take(key: string, nowMs: number): boolean;
  size(): number;
};

type Bucket = { tokens: number; at: number };

export function createRateLimiter(limit: RateLimit, maxKeys = 100_000): RateLimiter {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError("rate limit needs perSecond > 0 and burst >= 1");
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used key first.
  const buckets = new Map<string, Bucket>();
  return {
    take(key, nowMs) {
      const bucket = buckets.get(key);
      let tokens = limit.burst;
      if (bucket !== undefined) {
        buckets.delete(key);
        tokens = Math.min(limit.burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * limit.perSecond);
      } else if (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      const allowed = tokens >= 1;
      buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
      return allowed;
    },
    size: () => buckets.size,
  };
}
