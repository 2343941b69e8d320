import { describe, expect, it } from "vitest";
import { ingestPaidOrder } from "../../app/webhooks/ingest-paid-order.server";
import { AWAITING_BROWSER_REPORT, BROWSER_REPORT_WAIT_MS } from "../../app/db/browser-ledger-ingest.server";
import { REASON_WORDS } from "../../app/admin/words";
import { numberedOrder, posOrder } from "../../sim/fixtures/order-payloads";
import { useTestApp } from "../support/app";

// Which orders the webhook path gives a browser twin (decision 0029): a web checkout with the shopper there,
// not a POS or draft order. Only those record their checkout and may wait for the browser's report.

const SHOP = "twin-shop.myshopify.com";

describe("ingestPaidOrder and the browser ledger", () => {
  const app = useTestApp();

  async function ingest(payload: object, webhookId: string, nowMs: number) {
    await ingestPaidOrder(app.context, { shop: SHOP, webhookId, payload, nowMs });
    await app.context.ingestWrites.drain();
  }

  async function stored(orderId: number) {
    const db = app.context.database.db;
    const claim = await db.selectFrom("order_events").selectAll().where("order_id", "=", String(orderId)).executeTakeFirstOrThrow();
    const rows = await db.selectFrom("deliveries").select(["event_id", "status_reason", "next_attempt_at", "created_at"]).where("order_id", "=", String(orderId)).execute();
    return { claim, rows };
  }

  it("records a web order's checkout and makes it wait for the browser's report; a POS order neither", async () => {
    // GIVEN a configured shop whose storefront has reported a browser Purchase before
    const nowMs = Date.now();
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["111"], accessToken: "EAA-twin" }, nowMs);
    await app.context.database.db.insertInto("browser_purchase_ids").values({ shop: SHOP, checkout_token: "earlierCheckout", event_id: "earlierCheckoutsBrowserId01", created_at: nowMs }).execute();
    const web = numberedOrder(1, { processed_at: new Date(nowMs - 60_000).toISOString() });
    const pos = posOrder({ id: 5812345000002, processed_at: new Date(nowMs - 60_000).toISOString() });

    // WHEN both are paid
    await ingest(web, "wh-web", nowMs);
    await ingest(pos, "wh-pos", nowMs);

    // THEN the web order's claim names its checkout, and its row waits at most BROWSER_REPORT_WAIT_MS
    const webStored = await stored(web.id as number);
    expect(webStored.claim).toMatchObject({ checkout_token: web.checkout_token, browser_event_id: null });
    expect(webStored.rows).toHaveLength(1);
    expect(webStored.rows[0]?.status_reason).toBe(AWAITING_BROWSER_REPORT);
    const waitedMs = Number(webStored.rows[0]?.next_attempt_at) - Number(webStored.rows[0]?.created_at);
    expect(waitedMs).toBeGreaterThan(0);
    expect(waitedMs).toBeLessThanOrEqual(BROWSER_REPORT_WAIT_MS);
    // AND the POS order (no browser was there) records no checkout and is due at once
    const posStored = await stored(pos.id as number);
    expect(posStored.claim).toMatchObject({ checkout_token: null, browser_event_id: null });
    expect(posStored.rows.map((row) => [row.status_reason, Number(row.next_attempt_at)])).toEqual([[null, nowMs]]);
  });

  it("tells Activity how long a waiting Purchase waits, in the same minutes as the constant", () => {
    expect(REASON_WORDS[AWAITING_BROWSER_REPORT]).toContain(`up to ${BROWSER_REPORT_WAIT_MS / 60_000} minutes`);
  });
});
