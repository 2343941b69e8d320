import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextTokenRecheckDelay, TOKEN_RECHECK_CAP_MS, TOKEN_RECHECK_FIRST_MS } from "../../app/delivery/token-recheck.server";
import { createMetrics } from "../../app/observability/metrics.server";
import { enqueuePurchases, PIXEL, rowsOf, SHOP, startConfiguredHarness, TOKEN, type Harness } from "./harness";

// Decision 0025: a token error is confirmed by one read before the shop is paused; a paused shop's token is
// asked about again with backoff, and the pause lifts itself once Meta accepts the token.

const MINUTE = 60_000;

describe("nextTokenRecheckDelay", () => {
  it("doubles from 5 minutes to at most 6 hours", () => {
    const schedule = { firstMs: TOKEN_RECHECK_FIRST_MS, capMs: TOKEN_RECHECK_CAP_MS };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((done) => nextTokenRecheckDelay(done, schedule) / MINUTE)).toEqual([5, 10, 20, 40, 80, 160, 320, 360, 360]);
  });
});

describe("delivery worker: token errors", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startConfiguredHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function tokenColumns() {
    return h.database.db
      .selectFrom("shops")
      .select(["needs_attention_reason", "token_error_at", "token_recheck_at", "token_rechecks"])
      .where("shop", "=", SHOP)
      .executeTakeFirstOrThrow();
  }

  it("retries, and counts, a token error that the confirming read does not confirm", async () => {
    await enqueuePurchases(h, 3);
    h.sim.injectFailures({ kind: "invalidToken", count: 1 });
    const metrics = createMetrics({ defaultMetrics: false });
    const summary = await h.worker({ metrics }).runOnce();
    expect(summary).toMatchObject({ retried: 3, needsAttention: 0 });
    expect(await tokenColumns()).toMatchObject({ needs_attention_reason: null, token_error_at: null });
    expect((await rowsOf(h)).map((row) => row.statusReason)).toEqual(
      Array.from({ length: 3 }, () => expect.stringMatching(/^transient: Meta refused the access token once, and accepted it when asked again: /)),
    );
    const counted = await metrics.registry.getSingleMetric("tandem_delivery_token_errors_unconfirmed_total")?.get();
    expect(counted?.values[0]?.value).toBe(1);
    expect(h.sim.reads.map((read) => [read.pixelId, read.status])).toEqual([[PIXEL, 200]]);
  });

  it("pauses on a confirmed refusal, re-checks with backoff, and lifts the pause when the token works again", async () => {
    await enqueuePurchases(h, 3);
    h.sim.expireToken(PIXEL);
    const worker = h.worker({ tokenRecheck: { scanMs: 0 } });
    const pausedAt = h.clock.now();
    expect(await worker.runOnce()).toMatchObject({ needsAttention: 3 });
    expect(await tokenColumns()).toMatchObject({ token_error_at: pausedAt, token_recheck_at: pausedAt + 5 * MINUTE, token_rechecks: 0 });

    // WHEN the first re-check finds the token still refused THEN the next comes 10 minutes later
    h.clock.advance(5 * MINUTE);
    await worker.runOnce();
    expect(await tokenColumns()).toMatchObject({ token_recheck_at: h.clock.now() + 10 * MINUTE, token_rechecks: 1 });
    expect((await tokenColumns()).needs_attention_reason).toMatch(/Meta error 190/);

    // WHEN Meta accepts the same token again THEN the next re-check lifts the pause and the rows go out
    h.sim.registerPixel(PIXEL, TOKEN);
    h.clock.advance(9 * MINUTE);
    await worker.runOnce();
    expect((await tokenColumns()).needs_attention_reason).not.toBeNull();
    h.clock.advance(1 * MINUTE);
    await worker.runOnce();
    expect(await tokenColumns()).toMatchObject({ needs_attention_reason: null, token_error_at: null, token_recheck_at: null, token_rechecks: 0 });
    await worker.runOnce();
    expect((await rowsOf(h)).map((row) => row.status)).toEqual(["sent", "sent", "sent"]);
    expect(h.sim.duplicateDeliveries()).toEqual([]);
  });
});
