import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { writeIngests, type IngestWrite } from "../../app/db/ingest-writes.server";
import { writeCollected } from "../../app/db/collector-writes.server";
import { claimDue } from "../../app/db/outbox-claim.server";
import { createOutbox } from "../../app/db/outbox.server";
import { createShopStore } from "../../app/db/shops.server";
import { dedupProofTotalsQuery, readDedupProof } from "../../app/db/dedup-proof-reads.server";
import { skipUnsentOrderEvent } from "../../app/db/outbox-cancel.server";
import { AWAITING_BROWSER_REPORT, BROWSER_REPORT_WAIT_MS } from "../../app/db/browser-ledger-ingest.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { TEST_KEY } from "../db/contract-support";
import { truncateAll, type TestDatabase } from "../db/support";
import { suiteDatabase } from "../db/suite-database";

const NOW = 1_800_000_000_000;
const SHOP = "ledger-shop.myshopify.com";
const CART_ID = "cartIdFromTheNoteAttribute0001";
const BROWSER_ID = "browserIdTheThankYouPageUsed01";

/** A web order's Purchase as the webhook path builds it: one row per pixel, its claim, and its checkout. */
function webOrder(
  orderId: string,
  eventId: string,
  opts: { token?: string | null; pixels?: string[]; webhookId?: string; skipped?: string } = {},
): IngestWrite {
  const rows: NewDelivery[] = (opts.pixels ?? ["meta:111"]).map((destination) => ({
    shop: SHOP,
    destination,
    eventName: "Purchase",
    eventId,
    provenance: "note_attribute",
    orderId,
    orderName: `#${orderId}`,
    eventTime: Math.floor(NOW / 1000) - 30,
    payload: { event_name: "Purchase", event_id: eventId, custom_data: { value: 10, currency: "EUR" } },
    matchKeys: ["em"],
    // A skipped order (no consent, a test order) is stored as the webhook path stores it: reason, no payload.
    ...(opts.skipped === undefined ? { status: "pending" as const } : { status: "skipped" as const, statusReason: opts.skipped, payload: null }),
    nextAttemptAt: NOW,
  }));
  const token = opts.token === undefined ? `tok${orderId}` : opts.token;
  return {
    shop: SHOP,
    topic: "orders/paid",
    webhookId: opts.webhookId ?? `wh-${orderId}`,
    rows,
    claim: { eventName: "Purchase", eventId, orderId, fallbackEventId: `order_${orderId}` },
    browser: token === null ? null : { checkoutToken: token },
  };
}

/** The browser's report through the collector's own write: the first id per checkout is kept. */
async function browserReports(database: TestDatabase["database"], checkoutToken: string, eventId: string, atMs = NOW): Promise<void> {
  await writeCollected(database, [{ kind: "purchase_id", shop: SHOP, checkoutToken, eventId }], atMs);
}

/** The browser ledger's effect on Purchase ids, and Health's dedup proof, on one engine (decision 0029). */
export function runBrowserLedgerContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`browser ledger: ${name}`, () => {
    const testDb = suiteDatabase(open);
    const db = () => testDb().database;
    beforeEach(async () => {
      await truncateAll(db());
      await db().db.deleteFrom("browser_purchase_ids").execute();
      await createShopStore(db(), [TEST_KEY]).saveShopConfig(SHOP, { pixelIds: ["111", "222"], accessToken: "EAA-ledger" }, NOW);
    });

    const deliveries = () => db().db.selectFrom("deliveries").selectAll().orderBy("destination").execute();
    const claimOf = (orderId: string) => db().db.selectFrom("order_events").selectAll().where("order_id", "=", orderId).executeTakeFirstOrThrow();
    const claim = (atMs: number) => claimDue(db(), { nowMs: atMs, limit: 50, owner: "test-worker", leaseMs: 30_000 });
    /** Meta accepted these orders' rows not sent yet, recorded as the worker records it. */
    const metaAccepts = async (...orderIds: string[]) => {
      const rows = await db().db.selectFrom("deliveries").select("id").where("order_id", "in", orderIds).where("status", "in", ["pending", "retrying"]).execute();
      await createOutbox(db()).markSent(
        rows.map((row) => row.id),
        { nowMs: NOW + 60_000, fbtraceId: "AtraceLedger", eventsReceived: 1 },
      );
    };
    const setStatus = (orderId: string, destination: string, status: string) =>
      db().db.updateTable("deliveries").set({ status, attempts: 1 }).where("order_id", "=", orderId).where("destination", "=", destination).execute();

    it("runs on the engine it names", () => {
      expect(db().engine).toBe(name);
    });

    it("stores the Purchase under the id the browser reported for the checkout, due now", async () => {
      // GIVEN the browser reported its Purchase for the checkout before the webhook
      await browserReports(db(), "tok1", BROWSER_ID);
      // WHEN orders/paid for that checkout is stored (its cart carried another id)
      await writeIngests(db(), [webOrder("1", CART_ID, { pixels: ["meta:111", "meta:222"] })], NOW);
      // THEN both pixels' rows carry the browser's id, in the payload too, and are due at once
      const rows = await deliveries();
      expect(rows.map((row) => [row.event_id, row.provenance, row.next_attempt_at, row.status_reason])).toEqual([
        [BROWSER_ID, "browser_ledger", NOW, null],
        [BROWSER_ID, "browser_ledger", NOW, null],
      ]);
      expect(rows.map((row) => JSON.parse(row.payload ?? "{}").event_id)).toEqual([BROWSER_ID, BROWSER_ID]);
      expect(await claimOf("1")).toMatchObject({ event_id: BROWSER_ID, checkout_token: "tok1", browser_event_id: BROWSER_ID });
    });

    it("keeps the cart's provenance when the browser reported the same id", async () => {
      await browserReports(db(), "tok2", CART_ID);
      await writeIngests(db(), [webOrder("2", CART_ID)], NOW);
      expect((await deliveries()).map((row) => [row.event_id, row.provenance, row.next_attempt_at])).toEqual([[CART_ID, "note_attribute", NOW]]);
      expect(await claimOf("2")).toMatchObject({ event_id: CART_ID, browser_event_id: CART_ID });
    });

    it("falls back to the order's own id when the browser's id belongs to another order", async () => {
      await writeIngests(db(), [webOrder("3", BROWSER_ID, { token: null })], NOW);
      await browserReports(db(), "tok4", BROWSER_ID);
      await writeIngests(db(), [webOrder("4", CART_ID)], NOW);
      const fourth = (await deliveries()).filter((row) => row.order_id === "4");
      expect(fourth.map((row) => [row.event_id, row.provenance])).toEqual([["order_4", "collision"]]);
      expect(await claimOf("4")).toMatchObject({ event_id: "order_4", browser_event_id: BROWSER_ID });
    });

    it("makes a Purchase wait for the browser's report only in a shop whose storefront reports purchases", async () => {
      // GIVEN a shop that has never reported a browser Purchase: no reason to wait
      await writeIngests(db(), [webOrder("5", CART_ID)], NOW);
      expect((await deliveries()).map((row) => [row.next_attempt_at, row.status_reason])).toEqual([[NOW, null]]);
      // GIVEN it has reported one (another checkout): the next order without a report waits, at most the wait
      await browserReports(db(), "tok-other", "someOtherCheckoutsBrowserId01");
      await writeIngests(db(), [webOrder("6", "cartIdOfTheSixthOrder00000001")], NOW);
      const sixth = (await deliveries()).filter((row) => row.order_id === "6");
      expect(sixth.map((row) => [row.next_attempt_at, row.status_reason])).toEqual([[NOW + BROWSER_REPORT_WAIT_MS, AWAITING_BROWSER_REPORT]]);
      expect(await claim(NOW + BROWSER_REPORT_WAIT_MS - 1)).toEqual([expect.objectContaining({ orderId: "5" })]);
    });

    it("sends under the browser's id when its report arrives during the wait, and moves the order's claim", async () => {
      await browserReports(db(), "tok-other", "someOtherCheckoutsBrowserId01");
      // GIVEN the webhook came first: the rows wait
      await writeIngests(db(), [webOrder("7", CART_ID, { pixels: ["meta:111", "meta:222"] })], NOW);
      // WHEN the browser reports within the wait, and the rows come due
      await browserReports(db(), "tok7", BROWSER_ID, NOW + 5_000);
      const claimed = await claim(NOW + BROWSER_REPORT_WAIT_MS);
      // THEN the worker gets them under the browser's id, and that is what is stored
      expect(claimed.map((row) => [row.eventId, row.provenance, row.statusReason, row.payload?.event_id])).toEqual([
        [BROWSER_ID, "browser_ledger", null, BROWSER_ID],
        [BROWSER_ID, "browser_ledger", null, BROWSER_ID],
      ]);
      expect((await deliveries()).map((row) => [row.event_id, JSON.parse(row.payload ?? "{}").event_id, row.status_reason])).toEqual([
        [BROWSER_ID, BROWSER_ID, null],
        [BROWSER_ID, BROWSER_ID, null],
      ]);
      expect(await claimOf("7")).toMatchObject({ event_id: BROWSER_ID, browser_event_id: BROWSER_ID });
    });

    it("never changes the id of a row whose send was attempted", async () => {
      await browserReports(db(), "tok-other", "someOtherCheckoutsBrowserId01");
      await writeIngests(db(), [webOrder("8", CART_ID, { pixels: ["meta:111", "meta:222"] })], NOW);
      // GIVEN one pixel's row was attempted (a retry) and the other's request is out with no answer yet
      await db().db.updateTable("deliveries").set({ attempts: 1, status: "retrying" }).where("destination", "=", "meta:111").execute();
      await db().db.updateTable("deliveries").set({ sending_started_at: NOW + 1 }).where("destination", "=", "meta:222").execute();
      // WHEN the browser's report comes after that
      await browserReports(db(), "tok8", BROWSER_ID, NOW + 10_000);
      const claimed = await claim(NOW + BROWSER_REPORT_WAIT_MS);
      // THEN both keep the id Meta may have seen
      expect(claimed.map((row) => row.eventId)).toEqual([CART_ID, CART_ID]);
      expect((await deliveries()).map((row) => row.event_id)).toEqual([CART_ID, CART_ID]);
      expect(await claimOf("8")).toMatchObject({ event_id: CART_ID });
    });

    it("sends under the server's id after the wait when no report came, and the order counts as server-only", async () => {
      await browserReports(db(), "tok-other", "someOtherCheckoutsBrowserId01");
      await writeIngests(db(), [webOrder("9", CART_ID)], NOW);
      const claimed = await claim(NOW + BROWSER_REPORT_WAIT_MS);
      expect(claimed.map((row) => [row.eventId, row.provenance, row.statusReason])).toEqual([[CART_ID, "note_attribute", null]]);
      expect(await claimOf("9")).toMatchObject({ event_id: CART_ID, checkout_token: "tok9", browser_event_id: null });
      // While its request is out, Meta does not have it yet: it is waiting, in no share
      const period = { shop: SHOP, startMs: NOW - 1, endMs: NOW + 1, listLimit: 10 };
      expect(await readDedupProof(db(), period)).toMatchObject({ browserOrders: 0, serverWaiting: 1, serverWaitingForSetup: 0, serverOnly: 0, recentServerOnly: [] });
      // WHEN Meta accepts it, THEN it is server-only
      await metaAccepts("9");
      const proof = await readDedupProof(db(), period);
      expect(proof).toMatchObject({ browserOrders: 1, serverWaiting: 0, sameId: 0, differentId: 0, serverOnly: 1 });
      expect(proof.recentServerOnly).toEqual([{ orderId: "9", orderName: "#9", createdAt: NOW }]);
    });

    it("keeps the server's id at the claim when the browser's id belongs to another order", async () => {
      await writeIngests(db(), [webOrder("10", BROWSER_ID, { token: null })], NOW);
      await browserReports(db(), "tok-other", "someOtherCheckoutsBrowserId01");
      await writeIngests(db(), [webOrder("11", CART_ID)], NOW);
      await browserReports(db(), "tok11", BROWSER_ID, NOW + 1_000);
      const claimed = await claim(NOW + BROWSER_REPORT_WAIT_MS);
      expect(claimed.filter((row) => row.orderId === "11").map((row) => row.eventId)).toEqual([CART_ID]);
      expect(await claimOf("11")).toMatchObject({ event_id: CART_ID, browser_event_id: BROWSER_ID });
    });

    it("reads the dedup proof per order: same id, another id (a report after the send), server-only, and orders without a browser", async () => {
      // same id: reported before the webhook
      await browserReports(db(), "tok21", "sameIdOrderBrowserIdentifier1");
      await writeIngests(db(), [webOrder("21", "sameIdOrderBrowserIdentifier1")], NOW);
      // another id: the browser reported only after the server's Purchase had been stored and sent
      await writeIngests(db(), [webOrder("22", "serverIdOfTheTwentySecond001")], NOW + 1);
      await browserReports(db(), "tok22", "lateBrowserIdOfTheTwentySec01", NOW + 60_000);
      // server-only, twice; and a POS order (no checkout): no browser was there
      await writeIngests(db(), [webOrder("23", "serverIdOfTheTwentyThird0001")], NOW + 2);
      await writeIngests(db(), [webOrder("24", "serverIdOfTheTwentyFourth001")], NOW + 3);
      await writeIngests(db(), [webOrder("25", "order_25", { token: null })], NOW + 4);
      await metaAccepts("21", "22", "23", "24", "25");

      const proof = await readDedupProof(db(), { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 1 });
      expect(proof).toEqual({
        paidOrders: 5,
        browserOrders: 4,
        sameId: 1,
        differentId: 1,
        serverOnly: 2,
        serverWaiting: 0,
        serverWaitingForSetup: 0,
        notSent: 0,
        serverFailed: 0,
        serverFailedNoBrowser: 0,
        // newest first, cut at the limit
        recentServerOnly: [{ orderId: "24", orderName: "#24", createdAt: NOW + 3 }],
        recentServerFailed: [],
      });
      // outside the period: nothing
      expect(await readDedupProof(db(), { shop: SHOP, startMs: NOW + 10, endMs: NOW + 20, listLimit: 10 })).toMatchObject({ paidOrders: 0, browserOrders: 0, recentServerOnly: [] });
    });

    it("counts web orders whose Purchase rows were all skipped (no consent, test order, cancelled before sending) as not sent, in no share", async () => {
      // skipped at the webhook for no consent, on both pixels; a test order the browser did report
      await writeIngests(db(), [webOrder("31", "serverIdOfTheThirtyFirst0001", { pixels: ["meta:111", "meta:222"], skipped: "no marketing consent" })], NOW);
      await browserReports(db(), "tok32", "testOrderBrowserIdentifier001");
      await writeIngests(db(), [webOrder("32", "testOrderBrowserIdentifier001", { skipped: "test order" })], NOW + 1);
      // cancelled before its Purchase went out
      await writeIngests(db(), [webOrder("33", "serverIdOfTheThirtyThird0001")], NOW + 2);
      expect(await skipUnsentOrderEvent(db().db, SHOP, "33", NOW + 3)).toBe(1);
      // one pixel sent, the other skipped: Meta did receive it, so it stays server-only
      await writeIngests(db(), [webOrder("34", "serverIdOfTheThirtyFourth001", { pixels: ["meta:111", "meta:222"] })], NOW + 4);
      await db().db.updateTable("deliveries").set({ status: "sent" }).where("order_id", "=", "34").where("destination", "=", "meta:111").execute();
      await db().db.updateTable("deliveries").set({ status: "skipped", status_reason: "pixel removed" }).where("order_id", "=", "34").where("destination", "=", "meta:222").execute();
      // a skipped POS order (no browser) is neither a browser order nor "not sent" here
      await writeIngests(db(), [webOrder("35", "order_35", { token: null, skipped: "test order" })], NOW + 5);

      const proof = await readDedupProof(db(), { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 10 });
      expect(proof).toEqual({
        paidOrders: 5,
        browserOrders: 1,
        serverWaiting: 0,
        serverWaitingForSetup: 0,
        notSent: 3,
        serverFailed: 0,
        serverFailedNoBrowser: 0,
        sameId: 0,
        differentId: 0,
        serverOnly: 1,
        recentServerOnly: [{ orderId: "34", orderName: "#34", createdAt: NOW + 4 }],
        recentServerFailed: [],
      });
    });

    it("counts a web order whose server Purchase is not sent yet apart as waiting, and of those the ones held or paused as waiting for the setup; one row sent makes it a browser order", async () => {
      // on its way: queued on its only pixel (no browser report); retrying, though its browser reported the same id
      await writeIngests(db(), [webOrder("41", "serverIdOfTheFortyFirst00001")], NOW);
      await browserReports(db(), "tok42", "sameIdOfTheFortySecond000001");
      await writeIngests(db(), [webOrder("42", "sameIdOfTheFortySecond000001")], NOW + 1);
      await setStatus("42", "meta:111", "retrying");
      // waiting for the setup: held for a pixel not set up yet; paused on both pixels (Meta refused the token)
      await writeIngests(db(), [webOrder("43", "serverIdOfTheFortyThird00001", { pixels: ["meta:unconfigured"] })], NOW + 2);
      await setStatus("43", "meta:unconfigured", "held");
      await writeIngests(db(), [webOrder("44", "serverIdOfTheFortyFourth0001", { pixels: ["meta:111", "meta:222"] })], NOW + 3);
      await setStatus("44", "meta:111", "needs_attention");
      await setStatus("44", "meta:222", "needs_attention");
      // a mix: paused on one pixel and retrying on the other is on its way; paused beside dead or skipped waits for the setup
      await writeIngests(db(), [webOrder("45", "serverIdOfTheFortyFifth00001", { pixels: ["meta:111", "meta:222"] })], NOW + 4);
      await setStatus("45", "meta:111", "needs_attention");
      await setStatus("45", "meta:222", "retrying");
      await writeIngests(db(), [webOrder("46", "serverIdOfTheFortySixth00001", { pixels: ["meta:111", "meta:222"] })], NOW + 5);
      await setStatus("46", "meta:111", "needs_attention");
      await setStatus("46", "meta:222", "dead");
      await writeIngests(db(), [webOrder("47", "serverIdOfTheFortySeventh001", { pixels: ["meta:111", "meta:222"] })], NOW + 6);
      await setStatus("47", "meta:111", "needs_attention");
      await setStatus("47", "meta:222", "skipped");
      // sent on one pixel: Meta has the order from the server, whatever the other pixel's row is doing
      await writeIngests(db(), [webOrder("48", "serverIdOfTheFortyEighth0001", { pixels: ["meta:111", "meta:222"] })], NOW + 7);
      await setStatus("48", "meta:111", "sent");
      await setStatus("48", "meta:222", "needs_attention");
      await writeIngests(db(), [webOrder("49", "serverIdOfTheFortyNinth00001", { pixels: ["meta:111", "meta:222"] })], NOW + 8);
      await setStatus("49", "meta:111", "sent");
      // a queued POS order (no browser was there) is only a paid order
      await writeIngests(db(), [webOrder("50", "order_50", { token: null })], NOW + 9);

      const period = { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 10 };
      expect(await readDedupProof(db(), period)).toEqual({
        paidOrders: 10,
        browserOrders: 2,
        serverWaiting: 7,
        serverWaitingForSetup: 4,
        notSent: 0,
        serverFailed: 0,
        serverFailedNoBrowser: 0,
        sameId: 0,
        differentId: 0,
        serverOnly: 2,
        recentServerOnly: [
          { orderId: "49", orderName: "#49", createdAt: NOW + 8 },
          { orderId: "48", orderName: "#48", createdAt: NOW + 7 },
        ],
        recentServerFailed: [],
      });

      // WHEN the queued and retrying rows reach Meta, THEN those orders join the shares; the paused ones still wait
      await metaAccepts("41", "42", "45");
      expect(await readDedupProof(db(), period)).toMatchObject({ browserOrders: 5, serverWaiting: 4, serverWaitingForSetup: 4, sameId: 1, serverOnly: 4 });
    });

    it("counts a web order whose server Purchase is dead apart as server-failed and lists it; one row sent keeps it a browser order, one on its way or paused keeps it waiting", async () => {
      // dead on its only pixel, no browser report: Meta got it from neither side
      await writeIngests(db(), [webOrder("51", "serverIdOfTheFiftyFirst00001")], NOW);
      await setStatus("51", "meta:111", "dead");
      // dead, but the browser reported under the same id: not "Meta counts it once", the server's never arrived
      await browserReports(db(), "tok52", "sameIdOfTheFiftySecond000001");
      await writeIngests(db(), [webOrder("52", "sameIdOfTheFiftySecond000001")], NOW + 1);
      await setStatus("52", "meta:111", "dead");
      // dead on one pixel, skipped on the other (pixel removed): no row reached Meta, one can be sent again
      await writeIngests(db(), [webOrder("53", "serverIdOfTheFiftyThird00001", { pixels: ["meta:111", "meta:222"] })], NOW + 2);
      await setStatus("53", "meta:111", "dead");
      await setStatus("53", "meta:222", "skipped");
      // sent on one pixel, dead on the other: Meta has the order from the server, so it stays a browser order
      await writeIngests(db(), [webOrder("54", "serverIdOfTheFiftyFourth0001", { pixels: ["meta:111", "meta:222"] })], NOW + 3);
      await setStatus("54", "meta:111", "sent");
      await setStatus("54", "meta:222", "dead");
      // dead on one pixel, still retrying or paused on the other: not given up, but not at Meta either: waiting
      await writeIngests(db(), [webOrder("55", "serverIdOfTheFiftyFifth00001", { pixels: ["meta:111", "meta:222"] })], NOW + 4);
      await setStatus("55", "meta:111", "dead");
      await setStatus("55", "meta:222", "retrying");
      await writeIngests(db(), [webOrder("56", "serverIdOfTheFiftySixth00001", { pixels: ["meta:111", "meta:222"] })], NOW + 5);
      await setStatus("56", "meta:111", "dead");
      await setStatus("56", "meta:222", "needs_attention");
      // a dead POS order (no browser was there) is only a paid order
      await writeIngests(db(), [webOrder("57", "order_57", { token: null })], NOW + 6);
      await setStatus("57", "meta:111", "dead");

      const proof = await readDedupProof(db(), { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 2 });
      expect(proof).toEqual({
        paidOrders: 7,
        browserOrders: 1,
        serverWaiting: 2,
        serverWaitingForSetup: 1,
        notSent: 0,
        serverFailed: 3,
        serverFailedNoBrowser: 2,
        sameId: 0,
        differentId: 0,
        serverOnly: 1,
        recentServerOnly: [{ orderId: "54", orderName: "#54", createdAt: NOW + 3 }],
        // newest first, cut at the limit like the server-only list
        recentServerFailed: [
          { orderId: "53", orderName: "#53", createdAt: NOW + 2 },
          { orderId: "52", orderName: "#52", createdAt: NOW + 1 },
        ],
      });

      // WHEN the merchant sends the failed rows again (Activity's retry makes them pending), THEN they are on their way
      await db().db.updateTable("deliveries").set({ status: "pending" }).where("status", "=", "dead").where("order_id", "in", ["51", "52", "53"]).execute();
      const period = { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 10 };
      expect(await readDedupProof(db(), period)).toMatchObject({ browserOrders: 1, serverWaiting: 5, serverWaitingForSetup: 1, serverFailed: 0, serverFailedNoBrowser: 0, recentServerFailed: [] });
      // AND once Meta accepts them they are browser orders again
      await metaAccepts("51", "52", "53");
      expect(await readDedupProof(db(), period)).toMatchObject({ browserOrders: 4, serverWaiting: 2, sameId: 1, serverOnly: 3 });
    });

    it("reads the counts in one pass: one probe per claim, on the deliveries (shop, order_id) index", async () => {
      const query = dedupProofTotalsQuery(db(), { shop: SHOP, startMs: NOW, endMs: NOW + 10, listLimit: 10 }).compile();
      const text = inline(query.sql, query.parameters);
      if (db().engine === "sqlite") {
        const { rows } = await sql<{ detail: string }>`explain query plan ${sql.raw(text)}`.execute(db().db);
        const plan = rows.map((row) => row.detail).join("\n");
        expect(plan).toMatch(/MATERIALIZE c/);
        // one correlated probe, however many sums read the order's fate
        expect(plan.match(/CORRELATED SCALAR SUBQUERY/g)).toHaveLength(1);
        expect(plan).toMatch(/SEARCH d USING INDEX deliveries_shop_order_idx \(shop=\? AND order_id=\?\)/);
        expect(plan).not.toMatch(/SCAN d\b/);
      } else {
        // On tables this small the planner might read them whole; with that ruled out for this session, the plan
        // shows the index the probe has.
        const plan = await db().db.connection().execute(async (connection) => {
          await sql`analyze deliveries`.execute(connection);
          await sql`set enable_seqscan = off`.execute(connection);
          const { rows } = await sql<{ "QUERY PLAN": string }>`explain ${sql.raw(text)}`.execute(connection);
          await sql`reset enable_seqscan`.execute(connection);
          return rows.map((row) => row["QUERY PLAN"]).join("\n");
        });
        expect(plan).toMatch(/CTE c/);
        expect(plan.match(/SubPlan/g)).toHaveLength(1);
        expect(plan).toMatch(/Index Scan using deliveries_shop_order_idx on deliveries d/);
        expect(plan).not.toMatch(/Seq Scan on deliveries/);
      }
    });
  });
}

/** The compiled query with its parameters written in, for EXPLAIN (they are a shop, an event name and times). */
function inline(text: string, parameters: readonly unknown[]): string {
  let index = 0;
  return text.replace(/\?|\$\d+/g, () => {
    const value = parameters[index++];
    return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}
