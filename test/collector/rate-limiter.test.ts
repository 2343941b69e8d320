import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../app/collector/rate-limiter";
import { clientAddress } from "../../app/collector/client-address";

describe("createRateLimiter", () => {
  it("lets a burst through, then refills at the rate", () => {
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 });
    expect([0, 0, 0, 0].map(() => limiter.take("a", 1_000))).toEqual([true, true, true, false]);
    expect(limiter.take("a", 1_400)).toBe(false);
    expect(limiter.take("a", 1_500)).toBe(true);
    // Another key has its own bucket.
    expect(limiter.take("b", 1_500)).toBe(true);
  });

  it("keeps at most maxKeys buckets, forgetting the least recently used", () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, 2);
    limiter.take("a", 0);
    limiter.take("b", 0);
    limiter.take("a", 0); // a is now the most recent
    limiter.take("c", 0); // evicts b
    expect(limiter.size()).toBe(2);
    expect(limiter.take("a", 0)).toBe(false);
    expect(limiter.take("b", 0)).toBe(true);
  });
});

describe("clientAddress", () => {
  it("uses the socket and ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(clientAddress("203.0.113.9", "81.2.69.142", 0)).toBe("203.0.113.9");
  });

  it("takes the entry the trusted proxies appended, not what the client wrote at the left", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 81.2.69.142", 1)).toBe("81.2.69.142");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 81.2.69.142, 10.0.0.1", 2)).toBe("81.2.69.142");
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });
});
