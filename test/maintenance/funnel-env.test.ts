import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/env.server";
import { DEFAULT_FUNNEL_HOURS, retentionPolicyFrom } from "../../app/maintenance/purge.server";
import { DEFAULT_FUNNEL_BACKLOG_MAX } from "../../app/maintenance/schedule.server";

// RETENTION_FUNNEL_HOURS and FUNNEL_BACKLOG_MAX (decision 0030): the README's defaults, and a bad value stops
// the start with one line naming the variable.

const VALID = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("funnel volume settings", () => {
  it("defaults to 24 hours after sending and 100,000 unsent funnel rows per shop", () => {
    const env = parseEnv(VALID);
    expect(env).toMatchObject({ RETENTION_FUNNEL_HOURS: 24, FUNNEL_BACKLOG_MAX: 100_000 });
    expect([DEFAULT_FUNNEL_HOURS, DEFAULT_FUNNEL_BACKLOG_MAX]).toEqual([24, 100_000]);
    expect(retentionPolicyFrom(env).funnelHours).toBe(24);
  });

  it("takes other values and hands the hours to the retention policy", () => {
    const env = parseEnv({ ...VALID, RETENTION_FUNNEL_HOURS: "6", FUNNEL_BACKLOG_MAX: "5000" });
    expect(env).toMatchObject({ RETENTION_FUNNEL_HOURS: 6, FUNNEL_BACKLOG_MAX: 5_000 });
    expect(retentionPolicyFrom(env).funnelHours).toBe(6);
  });

  it("refuses zero hours, a fraction, and a cap too small to hold a page's events", () => {
    expect(() => parseEnv({ ...VALID, RETENTION_FUNNEL_HOURS: "0" })).toThrow(/RETENTION_FUNNEL_HOURS/);
    expect(() => parseEnv({ ...VALID, RETENTION_FUNNEL_HOURS: "1.5" })).toThrow(/RETENTION_FUNNEL_HOURS/);
    expect(() => parseEnv({ ...VALID, FUNNEL_BACKLOG_MAX: "10" })).toThrow(/FUNNEL_BACKLOG_MAX/);
  });
});
