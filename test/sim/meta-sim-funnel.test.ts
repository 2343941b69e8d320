import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDedupLedger, DEDUP_WINDOW_MS } from "../../sim/meta-dedup-ledger";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { createClock, errorOf, PIXEL, postEvents, START_MS, startTestSimulator, TOKEN, validPurchase } from "./sim-fixtures";

const FBP = "fb.1.1700000000000.1234567890";

describe("createDedupLedger, per event name", () => {
  it("counts browser-only, server-only and paired keys for every event name", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "ViewContent", "v1", "browser", 0);
    ledger.record("p", "ViewContent", "v1", "server", 1_000);
    ledger.record("p", "AddToCart", "a1", "server", 2_000);
    ledger.record("p", "Search", "s1", "browser", 3_000);
    const byName = ledger.countsByEvent("p");
    expect(byName.ViewContent).toMatchObject({ pairedKeys: 1, browserOnlyKeys: 0, serverOnlyKeys: 0, countedByMeta: 1 });
    expect(byName.AddToCart).toMatchObject({ pairedKeys: 0, serverOnlyKeys: 1, countedByMeta: 1 });
    expect(byName.Search).toMatchObject({ pairedKeys: 0, browserOnlyKeys: 1, countedByMeta: 1 });
    expect(ledger.countsBy("p")).toMatchObject({ keys: 3, pairedKeys: 1, browserOnlyKeys: 1, serverOnlyKeys: 1, countedByMeta: 3 });
  });

  it("drops a server event without event_id that a browser event of the same name and fbp preceded (the fallback)", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "AddToCart", "browser-id", "browser", 0, { externalIds: [], fbp: FBP });
    ledger.record("p", "AddToCart", undefined, "server", 60_000, { externalIds: [], fbp: FBP });
    expect(ledger.countsByEvent("p").AddToCart).toMatchObject({ browserOnlyKeys: 1, unkeyed: 1, dedupedByFallback: 1, countedByMeta: 1 });
  });

  it("keeps an event_id mismatch visible as double counting, whatever fbp the two share", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "AddToCart", "browser-id", "browser", 0, { externalIds: [], fbp: FBP });
    ledger.record("p", "AddToCart", "server-id", "server", 60_000, { externalIds: [], fbp: FBP });
    expect(ledger.countsByEvent("p").AddToCart).toMatchObject({ browserOnlyKeys: 1, serverOnlyKeys: 1, dedupedByFallback: 0, countedByMeta: 2 });
  });

  it("uses external_id over fbp when both sides carry one", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "AddToCart", undefined, "browser", 0, { externalIds: ["x1"], fbp: FBP });
    ledger.record("p", "AddToCart", undefined, "server", 1_000, { externalIds: ["x2"], fbp: FBP });
    expect(ledger.countsBy("p")).toMatchObject({ unkeyed: 2, dedupedByFallback: 0, countedByMeta: 2 });
  });

  it("never applies the fallback server-first, after 48 h, or within one source", () => {
    const ledger = createDedupLedger();
    const ids = { externalIds: [], fbp: FBP };
    ledger.record("p", "ViewContent", undefined, "server", 0, ids);
    ledger.record("p", "ViewContent", "b-late", "browser", 1_000, ids);
    ledger.record("p", "ViewContent", undefined, "server", 1_000 + DEDUP_WINDOW_MS + 1, ids);
    ledger.record("p", "Search", undefined, "browser", 0, ids);
    ledger.record("p", "Search", undefined, "browser", 1_000, ids);
    const byName = ledger.countsByEvent("p");
    expect(byName.ViewContent).toMatchObject({ dedupedByFallback: 0, countedByMeta: 3 });
    expect(byName.Search).toMatchObject({ dedupedByFallback: 0, countedByMeta: 2 });
  });
});

// Funnel events as Tandem's server sends them: website events with the shopper's browser context.
function funnelEvent(name: string, eventId: string, customData?: Record<string, unknown>): Record<string, unknown> {
  const base = validPurchase(START_MS, { event_name: name, event_id: eventId });
  delete base.custom_data;
  return customData === undefined ? base : { ...base, custom_data: customData };
}

const ITEMS = { content_ids: ["4711"], contents: [{ id: "4711", quantity: 2 }], content_type: "product" };

describe("funnel events in the simulator", () => {
  const clock = createClock();
  let sim: MetaSimulator;
  beforeAll(async () => { sim = await startTestSimulator(clock); });
  afterAll(() => sim.close());
  beforeEach(() => { clock.ms = START_MS; sim.reset(); });

  const tr = (params: Record<string, string>) => fetch(`${sim.url}/tr?${new URLSearchParams({ id: PIXEL, ...params })}`);

  it("accepts every funnel event from the server and counts each browser + server pair once", async () => {
    const events = [
      funnelEvent("PageView", "pv1"),
      funnelEvent("ViewContent", "vc1", { ...ITEMS, value: 24.5, currency: "EUR", content_name: "Mug" }),
      funnelEvent("Search", "se1", { search_string: "mug" }),
      funnelEvent("AddToCart", "ac1", { ...ITEMS, value: 49, currency: "EUR" }),
      funnelEvent("InitiateCheckout", "ic1", { ...ITEMS, num_items: 2, value: 49, currency: "EUR" }),
      funnelEvent("AddPaymentInfo", "ap1", { ...ITEMS, value: 49, currency: "EUR" }),
    ];
    for (const event of events) {
      const cd = (event.custom_data ?? {}) as Record<string, unknown>;
      const params: Record<string, string> = { ev: String(event.event_name), eid: String(event.event_id), fbp: FBP };
      for (const [key, value] of Object.entries(cd)) params[`cd[${key}]`] = typeof value === "string" ? value : JSON.stringify(value);
      expect((await tr(params)).status).toBe(200);
    }
    const answer = await postEvents(sim, { data: events, access_token: TOKEN });
    expect(answer.status).toBe(200);
    const byName = sim.countsByEvent(PIXEL);
    for (const name of ["PageView", "ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"]) {
      expect(byName[name], name).toMatchObject({ browser: 1, server: 1, pairedKeys: 1, countedByMeta: 1 });
    }
    expect(sim.diagnostics).toEqual([]);
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { countsByEvent: Record<string, unknown> };
    expect(state.countsByEvent[PIXEL]).toMatchObject({ AddToCart: { pairedKeys: 1, countedByMeta: 1 } });
  });

  it("counts an ad-blocked shopper's server events once each, as server-only", async () => {
    await postEvents(sim, { data: [funnelEvent("ViewContent", "vc9", ITEMS), funnelEvent("AddToCart", "ac9", ITEMS)], access_token: TOKEN });
    expect(sim.countsByEvent(PIXEL).AddToCart).toMatchObject({ serverOnlyKeys: 1, browserOnlyKeys: 0, countedByMeta: 1 });
    expect(sim.countsBy(PIXEL)).toMatchObject({ serverOnlyKeys: 2, countedByMeta: 2 });
  });

  it("rejects a funnel event whose standard property has the wrong type, like any event", async () => {
    const answer = await postEvents(sim, { data: [funnelEvent("Search", "se2", { search_string: 42 })], access_token: TOKEN });
    expect(answer.status).toBe(400);
    expect(String(errorOf(answer).message)).toContain("search_string");
    const contents = await postEvents(sim, { data: [funnelEvent("AddToCart", "ac2", { contents: [{ id: "1" }] })], access_token: TOKEN });
    expect(String(errorOf(contents).message)).toContain("quantity");
    expect(sim.accepted).toEqual([]);
  });

  it("rejects malformed funnel parameters on /tr", async () => {
    expect((await tr({ ev: "InitiateCheckout", eid: "ic3", "cd[num_items]": "two" })).status).toBe(400);
    expect((await tr({ ev: "AddToCart", eid: "ac3", "cd[content_ids]": "[4711" })).status).toBe(400);
    expect(sim.browserEvents).toEqual([]);
  });

  it("accepts, but flags as Events Manager does, a catalog event without items and a value without currency", async () => {
    await postEvents(sim, { data: [funnelEvent("AddToCart", "ac4", { value: 10 })], access_token: TOKEN });
    await tr({ ev: "ViewContent", eid: "vc4" });
    expect(sim.accepted).toHaveLength(1);
    expect(sim.diagnostics).toEqual([
      expect.objectContaining({ source: "server", eventName: "AddToCart", problem: expect.stringContaining("content_ids") }),
      expect.objectContaining({ source: "server", eventName: "AddToCart", problem: "value without currency" }),
      expect.objectContaining({ source: "browser", eventName: "ViewContent", eventId: "vc4" }),
    ]);
  });
});
