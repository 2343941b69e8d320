import { afterEach, describe, expect, it } from "vitest";
import { bearerMatches, metricsAccess } from "../../app/observability/metrics-auth.server";
import { startMetricsServer } from "../../app/observability/metrics-server.server";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { openTestApp } from "../support/app-context";

// Finding (issue 13): /metrics answered anyone on the app's port. Now the app's port serves it only with
// METRICS_TOKEN set and the token sent; without a token it is served on METRICS_PORT only.

const TOKEN = "metrics-auth-test-token-0123456789";

function scrape(authorization?: string) {
  const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
  return metricsLoader({ request: new Request("http://localhost:3000/metrics", { headers }), params: {}, context: {} });
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("bearerMatches", () => {
  it("accepts exactly the token, with the scheme in any case", () => {
    expect(bearerMatches(TOKEN, `Bearer ${TOKEN}`)).toBe(true);
    expect(bearerMatches(TOKEN, `bearer ${TOKEN}`)).toBe(true);
  });

  it.each([
    ["no header", undefined],
    ["another token", "Bearer another-token-of-some-length"],
    ["the token with a character more", `Bearer ${TOKEN}x`],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, -1)}`],
    ["another scheme", `Basic ${TOKEN}`],
    ["the bare token", TOKEN],
  ])("refuses %s", (_name, header) => {
    expect(bearerMatches(TOKEN, header)).toBe(false);
  });

  it("serves the app's port only with a token, a port of its own unless a token is set", () => {
    expect(metricsAccess(undefined, `Bearer ${TOKEN}`, "app")).toBe("not_served");
    expect(metricsAccess(undefined, undefined, "own")).toBe("allowed");
    expect(metricsAccess(TOKEN, undefined, "own")).toBe("unauthorized");
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}`, "app")).toBe("allowed");
  });
});

describe("/metrics on the app's port", () => {
  it("is not served without METRICS_TOKEN (404), whatever the request sends", async () => {
    expect(process.env.METRICS_TOKEN).toBeUndefined();
    ({ cleanup } = await openTestApp());
    expect((await scrape()).status).toBe(404);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
  });

  it("answers 401 without the token or with a wrong one, and the counts with it", async () => {
    ({ cleanup } = await openTestApp({ METRICS_TOKEN: TOKEN }));
    const missing = await scrape();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await missing.text()).not.toContain("tandem_");
    expect((await scrape("Bearer wrong-token-wrong-token")).status).toBe(401);
    const allowed = await scrape(`Bearer ${TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("tandem_outbox_depth");
  });
});

describe("/metrics on a port of its own (METRICS_PORT, the worker's --metrics-port)", () => {
  it("is open without a token, and wants it when one is set; /healthz stays open", async () => {
    const open = await openTestApp();
    cleanup = open.cleanup;
    const free = await startMetricsServer(open.context, 0, "127.0.0.1");
    const guarded = await startMetricsServer({ ...open.context, env: { ...open.context.env, METRICS_TOKEN: TOKEN } }, 0, "127.0.0.1");
    try {
      expect((await fetch(`http://127.0.0.1:${free.port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${guarded.port}/metrics`)).status).toBe(401);
      const scraped = await fetch(`http://127.0.0.1:${guarded.port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("tandem_outbox_depth");
      expect((await fetch(`http://127.0.0.1:${guarded.port}/healthz`)).status).toBe(200);
    } finally {
      await free.close();
      await guarded.close();
    }
  });
});
