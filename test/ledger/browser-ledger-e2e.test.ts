import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureShop } from "../../app/shops/configure-shop.server";
import { buildTrUrl } from "../../app/tracking/pixel/tr-url";
import { readDedupProof } from "../../app/db/dedup-proof-reads.server";
import { AWAITING_BROWSER_REPORT } from "../../app/db/browser-ledger-ingest.server";
import { checkoutIds, paidOrderFor } from "../../sim/fixtures/checkout-events";
import { startHttpApp, type HttpApp } from "../scale/http-app";

// The browser ledger end to end over HTTP (decision 0029): signed orders/paid to the real server, the
// browser's Purchase to Meta's /tr (as the pixel sends it) and to the app's /collect (as the pixel reports it),
// the app's own worker sending to the Meta simulator, whose dedup ledger says how often Meta counts the order.
// The wait for the browser's report is real time in the app; the test moves a waiting row's due time to now
// instead of sleeping through it, which is what the passing of the wait does.

const SHOP = "ledger-e2e.myshopify.com";
const PIXEL = "5557654321098765";
const TOKEN = "EAAB-ledger-e2e";
const SHOPPER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

let app: HttpApp;

beforeAll(async () => {
  app = await startHttpApp({ [PIXEL]: TOKEN });
  await configureShop(app.context, SHOP, { pixelIds: [PIXEL], accessToken: TOKEN }, Date.now());
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** The browser's Purchase: to Meta's /tr, then reported to the app's collector with its checkout token. */
async function browserPurchase(checkoutToken: string, eventId: string): Promise<void> {
  const tr = buildTrUrl(`${app.sim.url}/tr`, {
    pixelId: PIXEL,
    eventName: "Purchase",
    eventId,
    pageUrl: "https://ledger-e2e.example/checkouts/thank-you",
    timestampMs: Date.now() - 1_000,
    customData: { value: 42, currency: "EUR" },
    fbp: "fb.1.1762268000123.1234567890",
    limitedDataUse: false,
  });
  expect((await fetch(tr, { headers: { "User-Agent": SHOPPER_UA } })).ok).toBe(true);
  const body = new URLSearchParams({ shop: SHOP, ck: checkoutToken });
  for (const [key, value] of new URL(tr).searchParams) if (key !== "id") body.append(key, value);
  const answer = await fetch(`${app.baseUrl}/collect`, { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": SHOPPER_UA }, body: body.toString() });
  expect(answer.status).toBe(204);
  await expect
    .poll(async () => (await app.context.database.db.selectFrom("browser_purchase_ids").select("event_id").where("checkout_token", "=", checkoutToken).execute()).length, { timeout: 5_000 })
    .toBe(1);
}

async function sendPaidOrder(order: object, webhookId: string): Promise<void> {
  const { status } = await app.client.send("orders/paid", SHOP, order, { webhookId });
  expect(status).toBe(200);
}

async function rowsOf(orderId: number) {
  return app.context.database.db.selectFrom("deliveries").selectAll().where("order_id", "=", String(orderId)).execute();
}

/** What the end of the wait does: the waiting rows fall due, and the worker is told. */
async function endTheWait(orderId: number): Promise<void> {
  await expect.poll(async () => (await rowsOf(orderId)).map((row) => row.status_reason), { timeout: 5_000 }).toEqual([AWAITING_BROWSER_REPORT]);
  await app.context.database.db.updateTable("deliveries").set({ next_attempt_at: Date.now() }).where("order_id", "=", String(orderId)).execute();
  await app.context.queue.notify(SHOP);
}

function serverPurchaseIds(): string[] {
  return app.sim.accepted.filter((event) => event.event.event_name === "Purchase").map((event) => String(event.event.event_id));
}

describe("the browser ledger, end to end (webhook + /collect + worker + Meta simulator)", () => {
  it("sends the Purchase under the browser's id when the browser reported first, and Meta counts it once", async () => {
    // GIVEN the thank-you page's Purchase used an id other than the order's cart attribute
    const ids = checkoutIds(31, "l");
    await browserPurchase(ids.token, "BrowserSideIdOfOrder31xx");
    // WHEN orders/paid arrives
    await sendPaidOrder(paidOrderFor(ids, ids.eventId, Date.now() - 30_000), "wh-ledger-31");
    // THEN the server's Purchase carries the browser's id, and Meta counts the pair once
    await expect.poll(serverPurchaseIds, { timeout: 15_000 }).toContain("BrowserSideIdOfOrder31xx");
    expect(serverPurchaseIds()).not.toContain(ids.eventId);
    expect(app.sim.ledger().filter((entry) => entry.eventId === "BrowserSideIdOfOrder31xx")).toEqual([
      expect.objectContaining({ eventName: "Purchase", server: 1, browser: 1, countedByMeta: 1 }),
    ]);
  });

  it("waits for a report that comes after the webhook, sends under the browser's id, and moves the order's claim", async () => {
    const ids = checkoutIds(32, "l");
    // GIVEN orders/paid arrives first (this shop's storefront reports purchases: it waits)
    await sendPaidOrder(paidOrderFor(ids, ids.eventId, Date.now() - 30_000), "wh-ledger-32");
    // WHEN the browser reports within the wait, and the wait ends
    await browserPurchase(ids.token, "BrowserSideIdOfOrder32xx");
    expect(serverPurchaseIds()).not.toContain(ids.eventId);
    await endTheWait(ids.orderId);
    // THEN one Purchase reaches Meta, under the browser's id: counted once
    await expect.poll(serverPurchaseIds, { timeout: 15_000 }).toContain("BrowserSideIdOfOrder32xx");
    expect(serverPurchaseIds()).not.toContain(ids.eventId);
    expect(app.sim.ledger().filter((entry) => entry.eventId === "BrowserSideIdOfOrder32xx")).toEqual([
      expect.objectContaining({ server: 1, browser: 1, countedByMeta: 1 }),
    ]);
    const claim = await app.context.database.db.selectFrom("order_events").selectAll().where("order_id", "=", String(ids.orderId)).executeTakeFirstOrThrow();
    expect(claim).toMatchObject({ event_id: "BrowserSideIdOfOrder32xx", browser_event_id: "BrowserSideIdOfOrder32xx", checkout_token: ids.token });
  });

  it("sends under the server's id after the wait when the browser never reported, and Health lists the order as server-only", async () => {
    const ids = checkoutIds(33, "l");
    await sendPaidOrder(paidOrderFor(ids, ids.eventId, Date.now() - 30_000), "wh-ledger-33");
    await endTheWait(ids.orderId);
    await expect.poll(serverPurchaseIds, { timeout: 15_000 }).toContain(ids.eventId);
    expect(app.sim.ledger().filter((entry) => entry.eventId === ids.eventId)).toEqual([expect.objectContaining({ server: 1, browser: 0, countedByMeta: 1 })]);
    // Health's proof over this file's three orders once the worker has recorded Meta's answer: two paired under the
    // browser's id, this one server-only (until then it is still on its way, in no share)
    const proof = () => readDedupProof(app.context.database, { shop: SHOP, startMs: 0, endMs: Date.now() + 1, listLimit: 10 });
    await expect.poll(async () => (await proof()).serverWaiting, { timeout: 15_000 }).toBe(0);
    expect(await proof()).toMatchObject({ browserOrders: 3, sameId: 2, differentId: 0, serverOnly: 1, recentServerOnly: [expect.objectContaining({ orderId: String(ids.orderId) })] });
    // AND over the whole run, Meta counted no purchase twice
    expect(app.sim.doubleCounted()).toEqual([]);
  });
});
