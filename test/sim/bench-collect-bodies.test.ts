import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCollectBody } from "../../app/collector/collect-body";
import { buildFunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { collectBodies, EVENTS_PER_SHOPPER } from "../../scripts/bench/collect-bodies";
import { createClock, PIXEL, postEvents, START_MS, startTestSimulator, TOKEN } from "./sim-fixtures";

// The bench's collector load must be what a real pixel sends: accepted by the collector's parser, by Meta's /tr
// rules as the simulator enforces them, and — once mapped to server events — by the Graph API's rules.
describe("the bench's collector bodies", () => {
  const clock = createClock();
  let sim: MetaSimulator;
  beforeAll(async () => { sim = await startTestSimulator(clock); });
  afterAll(() => sim.close());

  it("are valid collector requests, /tr requests and, mapped, Graph events, paired once each by Meta", async () => {
    // GIVEN two shoppers' journeys
    const bodies = collectBodies(["a.myshopify.com", "b.myshopify.com"], 10, 2, START_MS);
    expect(bodies).toHaveLength(2 * EVENTS_PER_SHOPPER);
    const server: Record<string, unknown>[] = [];
    for (const item of bodies) {
      // WHEN the collector reads each one
      const parsed = parseCollectBody(item.body, START_MS);
      expect(parsed, item.body).toMatchObject({ ok: true, event: { shop: item.shop, eventId: item.eventId } });
      if (!parsed.ok) continue;
      // … and the same parameters reach Meta's /tr for the shop's pixel
      const params = new URLSearchParams(item.body);
      params.delete("shop");
      params.delete("ck");
      params.set("id", PIXEL);
      expect((await fetch(`${sim.url}/tr?${params}`)).status).toBe(200);
      server.push({ ...buildFunnelCapiEvent(parsed.event, { ipAddress: "81.2.69.160", userAgent: "Mozilla/5.0 (bench)" }, START_MS).event });
    }
    // THEN the server twins pass the Graph API's rules and Meta counts each event once
    expect((await postEvents(sim, { data: server, access_token: TOKEN })).status).toBe(200);
    const byName = sim.countsByEvent(PIXEL);
    for (const name of ["ViewContent", "Search", "AddToCart", "InitiateCheckout", "AddPaymentInfo"]) {
      expect(byName[name], name).toMatchObject({ pairedKeys: 2, browserOnlyKeys: 0, serverOnlyKeys: 0, countedByMeta: 2 });
    }
    expect(sim.diagnostics).toEqual([]);
  });
});
