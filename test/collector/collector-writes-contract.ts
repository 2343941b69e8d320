import { beforeEach, describe, expect, it } from "vitest";
import { writeCollected, type CollectorWrite } from "../../app/db/collector-writes.server";
import type { NewFunnelEventRecord } from "../../app/db/schema";
import { createBatcher } from "../../app/webhooks/ingest-batcher.server";
import type { TestDatabase } from "../db/support";
import { suiteDatabase } from "../db/suite-database";

const NOW = 1_800_000_000_000;
const SHOP = "collector-shop.myshopify.com";

function row(eventId: string, destination = "meta:111", eventName = "AddToCart"): NewFunnelEventRecord {
  return {
    shop: SHOP,
    destination,
    event_name: eventName,
    event_id: eventId,
    event_time: Math.floor(NOW / 1000),
    payload: JSON.stringify({ event_name: eventName, event_id: eventId }),
    match_keys: "[]",
    created_at: NOW,
  };
}

const funnel = (eventId: string, destinations = ["meta:111"], eventName = "AddToCart"): CollectorWrite => ({
  kind: "funnel",
  rows: destinations.map((destination) => row(eventId, destination, eventName)),
});
const purchaseId = (checkoutToken: string, eventId: string): CollectorWrite => ({ kind: "purchase_id", shop: SHOP, checkoutToken, eventId });

/** writeCollected on one engine: only ever adds, and says per write whether it added anything. */
export function runCollectorWritesContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`collector writes: ${name}`, () => {
    const testDb = suiteDatabase(open);
    const database = () => testDb().database;
    const funnelRows = () => database().db.selectFrom("funnel_events").selectAll().orderBy("event_id").orderBy("destination").orderBy("event_name").execute();
    const ledger = () => database().db.selectFrom("browser_purchase_ids").selectAll().orderBy("checkout_token").execute();

    beforeEach(async () => {
      await database().db.deleteFrom("funnel_events").execute();
      await database().db.deleteFrom("deliveries").execute();
      await database().db.deleteFrom("browser_purchase_ids").execute();
    });

    it("runs on the engine it names", () => {
      expect(database().engine).toBe(name);
    });

    it("stores one row per destination and answers true for a new event", async () => {
      expect(await writeCollected(database(), [funnel("e1", ["meta:111", "meta:222"])], NOW)).toEqual([true]);
      const rows = await funnelRows();
      // Waiting (done_at null, no lease), with the event as written; nothing goes to the outbox.
      expect(rows.map((r) => [r.event_id, r.destination, r.event_name, r.payload, r.done_at, r.lease_owner])).toEqual([
        ["e1", "meta:111", "AddToCart", JSON.stringify({ event_name: "AddToCart", event_id: "e1" }), null, null],
        ["e1", "meta:222", "AddToCart", JSON.stringify({ event_name: "AddToCart", event_id: "e1" }), null, null],
      ]);
      expect(await database().db.selectFrom("deliveries").selectAll().execute()).toEqual([]);
    });

    it("a replayed event stores nothing and answers false, also within one batch", async () => {
      await writeCollected(database(), [funnel("e1")], NOW);
      expect(await writeCollected(database(), [funnel("e1"), funnel("e2"), funnel("e2")], NOW + 1)).toEqual([false, true, false]);
      const rows = await funnelRows();
      expect(rows.map((r) => r.event_id)).toEqual(["e1", "e2"]);
      // The first write of e1 is untouched by its replay.
      expect(rows[0]?.created_at).toBe(NOW);
    });

    it("the same event id under another event name is another event", async () => {
      expect(await writeCollected(database(), [funnel("e1"), funnel("e1", ["meta:111"], "ViewContent")], NOW)).toEqual([true, true]);
      expect((await funnelRows()).map((r) => [r.event_id, r.event_name])).toEqual([
        ["e1", "AddToCart"],
        ["e1", "ViewContent"],
      ]);
    });

    it("keeps the first purchase id a checkout reported: a later or concurrent one never replaces it", async () => {
      expect(await writeCollected(database(), [purchaseId("ck1", "first")], NOW)).toEqual([true]);
      expect(await writeCollected(database(), [purchaseId("ck1", "second"), purchaseId("ck2", "a"), purchaseId("ck2", "b")], NOW + 5)).toEqual([false, true, false]);
      expect((await ledger()).map((r) => [r.checkout_token, r.event_id, r.created_at])).toEqual([
        ["ck1", "first", NOW],
        ["ck2", "a", NOW + 5],
      ]);
    });

    it("group-commits through the batcher: many submitters, one answer each", async () => {
      const batcher = createBatcher((writes: readonly CollectorWrite[]) => writeCollected(database(), writes, NOW));
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.submit(funnel(`b${i % 25}`))));
      expect(answers.filter(Boolean).length).toBe(25);
      expect((await funnelRows()).length).toBe(25);
    });
  });
}
