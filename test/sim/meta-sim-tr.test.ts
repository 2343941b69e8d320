import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { createClock, PIXEL, sha256, START_MS, startTestSimulator } from "./sim-fixtures";

const clock = createClock();
let sim: MetaSimulator;
beforeAll(async () => { sim = await startTestSimulator(clock); });
afterAll(() => sim.close());
beforeEach(() => { sim.reset(); });

function purchaseParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    id: PIXEL, ev: "Purchase", eid: "ck_abc123", dl: "https://shop.example.com/checkouts/abc/thank-you",
    rl: "https://shop.example.com/cart", ts: String(START_MS), "cd[value]": "49.90", "cd[currency]": "EUR",
    "cd[content_ids]": "4711", "cd[contents]": JSON.stringify([{ id: "4711", quantity: 1 }]),
    "ud[em]": sha256("john_smith@gmail.com"), fbp: "fb.1.1700000000000.1234567890",
    fbc: "fb.1.1554763741205.IwAR2F4-dbP0l7Mn", dpo: "", ...extra,
  };
}

function tr(params: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sim.url}/tr?${new URLSearchParams(params).toString()}`, init);
}

describe("GET /tr (browser pixel endpoint)", () => {
  it("answers a gif and records a valid Purchase as a browser receipt", async () => {
    const res = await tr(purchaseParams());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(sim.browserEvents).toHaveLength(1);
    expect(sim.browserEvents[0]).toMatchObject({
      pixelId: PIXEL, eventName: "Purchase", eventId: "ck_abc123", customData: { value: "49.90", currency: "EUR" },
      userData: { em: sha256("john_smith@gmail.com") }, ldu: false, receivedAtMs: START_MS,
    });
    expect(sim.ledger()).toEqual([expect.objectContaining({ eventName: "Purchase", eventId: "ck_abc123", browser: 1, server: 0 })]);
  });

  it("accepts a PageView without custom data and LDU with country and state", async () => {
    const res = await tr({ id: PIXEL, ev: "PageView", eid: "evt-1", dpo: "LDU", dpoco: "1", dpost: "1000" });
    expect(res.status).toBe(200);
    expect(sim.browserEvents[0].ldu).toBe(true);
  });

  it("answers the CORS preflight permissively", async () => {
    const res = await fetch(`${sim.url}/tr`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("accepts the POST form fbevents.js uses for long URLs", async () => {
    const res = await fetch(`${sim.url}/tr/`, { method: "POST", body: new URLSearchParams(purchaseParams()) });
    expect(res.status).toBe(200);
    expect(sim.browserEvents).toHaveLength(1);
  });

  it.each([
    ["an unregistered pixel", { id: "555" }],
    ["a missing event name", { ev: "" }],
    ["a timestamp in seconds", { ts: String(Math.floor(START_MS / 1000)) }],
    ["an unhashed ud[em]", { "ud[em]": "john_smith@gmail.com" }],
    ["an unhashed ud[ph]", { "ud[ph]": "16505551212" }],
    ["a malformed fbp", { fbp: "fb.1.abc" }],
    ["a malformed fbc", { fbc: "fbclid=IwAR2F4" }],
    ["a Purchase without value", { "cd[value]": "" }],
    ["a Purchase with a comma decimal", { "cd[value]": "49,90" }],
    ["a Purchase with an unknown currency", { "cd[currency]": "EURO" }],
    ["contents that are not JSON", { "cd[contents]": "4711x1" }],
    ["LDU without dpoco", { dpo: "LDU" }],
    ["LDU without dpost", { dpo: "LDU", dpoco: "0" }],
    ["a relative page URL", { dl: "/checkouts/abc" }],
  ] as Array<[string, Record<string, string>]>)("answers 400 and records nothing for %s", async (_name, extra) => {
    const params = purchaseParams(extra);
    if (extra["cd[value]"] === "") delete params["cd[value]"];
    const res = await tr(params);
    expect(res.status).toBe(400);
    expect(sim.browserEvents).toHaveLength(0);
    expect(sim.ledger()).toHaveLength(0);
  });
});
