import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDedupLedger, DEDUP_WINDOW_MS } from "../../sim/meta-dedup-ledger";
import type { MetaSimulator } from "../../sim/meta-graph-sim";
import { createClock, PIXEL, postEvents, START_MS, startTestSimulator, TOKEN, validPurchase } from "./sim-fixtures";

describe("createDedupLedger", () => {
  it("counts a browser + server pair with the same key once", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "Purchase", "ck_1", "browser", 0);
    ledger.record("p", "Purchase", "ck_1", "server", 60_000);
    expect(ledger.entries()).toEqual([expect.objectContaining({ server: 1, browser: 1, countedByMeta: 1 })]);
    expect(ledger.doubleCounted()).toEqual([]);
    expect(ledger.countsBy("p")).toMatchObject({ server: 1, browser: 1, pairedKeys: 1, countedByMeta: 1 });
  });

  it("keeps keys apart by pixel, event name and event id", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "Purchase", "x", "server", 0);
    ledger.record("q", "Purchase", "x", "browser", 0);
    ledger.record("p", "AddToCart", "x", "browser", 0);
    expect(ledger.entries()).toHaveLength(3);
    expect(ledger.countsBy("p")).toMatchObject({ keys: 2, pairedKeys: 0, countedByMeta: 2 });
  });

  it("dedups a same-source repeat inside 48 h but flags it as a duplicate delivery", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "Purchase", "ck_1", "server", 0);
    ledger.record("p", "Purchase", "ck_1", "server", DEDUP_WINDOW_MS);
    expect(ledger.doubleCounted()).toEqual([]);
    expect(ledger.duplicateDeliveries()).toEqual([expect.objectContaining({ server: 2 })]);
    expect(ledger.countsBy("p")).toMatchObject({ duplicateDeliveryKeys: 1, countedByMeta: 1 });
  });

  it("counts a receipt arriving more than 48 h after the first one again", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "Purchase", "ck_1", "browser", 0);
    ledger.record("p", "Purchase", "ck_1", "server", DEDUP_WINDOW_MS + 1);
    expect(ledger.doubleCounted()).toEqual([expect.objectContaining({ eventId: "ck_1", countedByMeta: 2 })]);
    expect(ledger.countsBy("p")).toMatchObject({ doubleCountedKeys: 1, countedByMeta: 2 });
  });

  it("cannot dedup events without event_id, so each counts", () => {
    const ledger = createDedupLedger();
    ledger.record("p", "Purchase", undefined, "server", 0);
    ledger.record("p", "Purchase", undefined, "browser", 0);
    expect(ledger.entries()).toEqual([]);
    expect(ledger.countsBy("p")).toMatchObject({ unkeyed: 2, server: 1, browser: 1, countedByMeta: 2 });
  });
});

describe("the simulator's ledger", () => {
  const clock = createClock();
  let sim: MetaSimulator;
  beforeAll(async () => { sim = await startTestSimulator(clock); });
  afterAll(() => sim.close());
  beforeEach(() => { clock.ms = START_MS; sim.reset(); });

  const trPurchase = (eid: string) =>
    fetch(`${sim.url}/tr?${new URLSearchParams({ id: PIXEL, ev: "Purchase", eid, "cd[value]": "49.9", "cd[currency]": "EUR" })}`);

  it("pairs a /tr Purchase with the server Purchase carrying the same event_id", async () => {
    await trPurchase("ck_abc123");
    clock.ms += 5 * 60_000;
    await postEvents(sim, { data: [validPurchase(START_MS)], access_token: TOKEN });
    expect(sim.countsBy(PIXEL)).toMatchObject({ server: 1, browser: 1, pairedKeys: 1, countedByMeta: 1 });
    expect(sim.doubleCounted()).toEqual([]);
  });

  it("reports a mismatched event_id as two conversions", async () => {
    await trPurchase("ck_other");
    await postEvents(sim, { data: [validPurchase(START_MS)], access_token: TOKEN });
    expect(sim.countsBy(PIXEL)).toMatchObject({ pairedKeys: 0, countedByMeta: 2 });
  });

  it("reports the app sending the same server event twice", async () => {
    await postEvents(sim, { data: [validPurchase(START_MS)], access_token: TOKEN });
    await postEvents(sim, { data: [validPurchase(START_MS)], access_token: TOKEN });
    expect(sim.duplicateDeliveries()).toEqual([expect.objectContaining({ eventId: "ck_abc123", server: 2 })]);
  });

  it("serves its state as JSON for other processes", async () => {
    await trPurchase("ck_abc123");
    await postEvents(sim, { data: [validPurchase(START_MS)], access_token: TOKEN });
    const res = await fetch(`${sim.url}/__sim/state`);
    const state = (await res.json()) as Record<string, unknown>;
    expect(state).toMatchObject({
      accepted: 1, browserEvents: 1, acceptedByPixel: { [PIXEL]: 1 }, doubleCounted: [],
      countsByPixel: { [PIXEL]: { pairedKeys: 1, countedByMeta: 1 } },
    });
    expect(state.ledger).toHaveLength(1);
  });
});
