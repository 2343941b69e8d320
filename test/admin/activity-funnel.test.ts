import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { activityPageQuery, allActivity, listActivity, parseActivityParams } from "../../app/admin/activity.server";
import { ACTIVITY_CSV_COLUMNS, activityCsvLine } from "../../app/admin/activity-csv";
import { readAttention } from "../../app/admin/attention.server";
import { DAY_MS, healthSummary } from "../../app/admin/health.server";
import { readHomeSummary } from "../../app/admin/home-summary.server";
import { useTestApp } from "../support/app";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

// Activity and the summaries beside the funnel rows of `deliveries` (decision 0031): since decision 0034 those are
// the shopper events whose first send failed (moved there by the funnel outbox: retrying, dead, needs attention)
// and rows stored before that change (sent ones among them, until the purge). A shop's purchases are a few rows
// among many funnel rows, and every Purchase figure must stay what it was without them. Sent shopper events
// are counted, not listed: activity-funnel-summary.test.tsx.

const SHOP = "funnel-shop.myshopify.com";
const NOW = Date.UTC(2026, 10, 30, 12, 0);
const PURCHASES = 30;
const FUNNEL_PER_PURCHASE = 40;
const FUNNEL_NAMES = ["ViewContent", "AddToCart", "InitiateCheckout", "AddPaymentInfo"] as const;

const app = useTestApp({ per: "file" });

function purchase(index: number, status: string) {
  return deliveryRow({
    shop: SHOP,
    event_id: `evt_${index}`,
    provenance: "note_attribute",
    order_id: String(1000 + index),
    order_name: `#${1000 + index}`,
    event_time: Math.floor((NOW - DAY_MS + index * 60_000) / 1000),
    payload: JSON.stringify({ event_name: "Purchase", event_source_url: "https://funnel-shop.example/landing", custom_data: { value: 10, currency: "EUR" } }),
    status,
    status_reason: status === "dead" ? "Meta error 100: bad" : null,
    sent_at: status === "sent" ? NOW - DAY_MS + index * 60_000 + 500 : null,
    created_at: NOW - DAY_MS + index * 60_000,
  });
}

function funnel(index: number, status: string) {
  const at = NOW - DAY_MS + index * 1_500;
  return deliveryRow({
    shop: SHOP,
    event_name: FUNNEL_NAMES[index % FUNNEL_NAMES.length],
    event_id: `f_${index}`,
    provenance: "collector",
    event_time: Math.floor(at / 1000),
    payload: JSON.stringify({ event_name: "ViewContent", event_source_url: `https://funnel-shop.example/products/p${index}`, custom_data: {} }),
    status,
    sent_at: status === "sent" ? at + 500 : null,
    created_at: at,
  });
}

/** A first-try failure as the funnel outbox moves it (needs attention, dead, retrying), else a sent row stored before decision 0034. */
function funnelStatus(index: number): string {
  if (index % 10 === 0) return "needs_attention";
  if (index % 7 === 0) return "dead";
  if (index % 3 === 0) return "retrying";
  return "sent";
}

// 30 purchases (27 sent, 2 failed, 1 waiting) among 1,200 funnel rows, most of them newer than any purchase.
beforeAll(async () => {
  const purchases = Array.from({ length: PURCHASES }, (_, index) => purchase(index, index < 2 ? "dead" : index === 2 ? "needs_attention" : "sent"));
  const funnels = Array.from({ length: PURCHASES * FUNNEL_PER_PURCHASE }, (_, index) => funnel(index, funnelStatus(index)));
  await insertDeliveryRows(app.context.database.db, [...purchases, ...funnels]);
});

describe("Activity's event filter", () => {
  it("opens on purchases: the default lists only order rows, newest first, with every purchase and nothing else", async () => {
    const { query, form } = parseActivityParams(SHOP, new URLSearchParams(), "UTC");
    expect(form.events).toBe("");
    const rows = [];
    for await (const page of allActivity(app.context, query, 7)) rows.push(...page);
    expect(rows).toHaveLength(PURCHASES);
    expect(rows.every((row) => row.eventName === "Purchase" && !row.fromCollector)).toBe(true);
    expect(rows[0]?.orderName).toBe(`#${1000 + PURCHASES - 1}`);
  });

  it("shows shopper events, one kind of them, or everything when asked; an unknown choice is the default", async () => {
    const shopper = parseActivityParams(SHOP, new URLSearchParams({ events: "shopper" }), "UTC");
    expect(shopper.form.events).toBe("shopper");
    let count = 0;
    for await (const page of allActivity(app.context, shopper.query, 200)) {
      count += page.length;
      expect(page.every((row) => row.fromCollector && row.orderId === null)).toBe(true);
    }
    expect(count).toBe(PURCHASES * FUNNEL_PER_PURCHASE);

    const carts = await listActivity(app.context, { ...parseActivityParams(SHOP, new URLSearchParams({ events: "AddToCart" }), "UTC").query, limit: 1000 });
    expect(carts.rows).toHaveLength((PURCHASES * FUNNEL_PER_PURCHASE) / FUNNEL_NAMES.length);
    expect(new Set(carts.rows.map((row) => row.eventName))).toEqual(new Set(["AddToCart"]));

    const all = parseActivityParams(SHOP, new URLSearchParams({ events: "all" }), "UTC");
    let total = 0;
    for await (const page of allActivity(app.context, all.query, 500)) total += page.length;
    expect(total).toBe(PURCHASES + PURCHASES * FUNNEL_PER_PURCHASE);

    expect(parseActivityParams(SHOP, new URLSearchParams({ events: "Purchase'--" }), "UTC")).toMatchObject({ query: { events: "orders" }, form: { events: "" } });
  });

  it("combines with the status filter: failed purchases are the two failed orders, not the failed shopper events", async () => {
    const { query } = parseActivityParams(SHOP, new URLSearchParams({ status: "dead" }), "UTC");
    const dead = await listActivity(app.context, query);
    expect(dead.rows.map((row) => row.orderName)).toEqual(["#1001", "#1000"]);
  });

  it("pages purchases through their own index, never sorting nor reading the funnel rows", async () => {
    const { query } = parseActivityParams(SHOP, new URLSearchParams(), "UTC");
    const compiled = activityPageQuery(app.context, { ...query, cursor: `${NOW}_999999` }).compile();
    let text = compiled.sql;
    for (const parameter of compiled.parameters) text = text.replace("?", typeof parameter === "string" ? `'${parameter}'` : String(parameter));
    const plan = await sql.raw(`EXPLAIN QUERY PLAN ${text}`).execute(app.context.database.db);
    const detail = (plan.rows as Array<{ detail: string }>).map((row) => row.detail).join(" | ");
    expect(detail).toMatch(/deliveries_shop_orders_created_idx/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });

  it("gives a shopper event its page and source, no order, and exports the page in the CSV", async () => {
    const page = await listActivity(app.context, { shop: SHOP, events: "InitiateCheckout", limit: 1 });
    const row = page.rows[0];
    expect(row).toMatchObject({ fromCollector: true, orderId: null, orderName: null, eventName: "InitiateCheckout" });
    expect(row?.pageUrl).toMatch(/^https:\/\/funnel-shop\.example\/products\/p\d+$/);
    if (!row) throw new Error("row missing");
    expect(ACTIVITY_CSV_COLUMNS.at(-1)).toBe("page_url");
    expect(activityCsvLine(row)).toMatch(new RegExp(`^[^,]+,,,InitiateCheckout,f_\\d+,.*,${row.pageUrl?.replace(/\./g, "\\.")}\r\n$`));
    // A Purchase's landing page is not "the page of the event": it stays out of that column.
    const order = (await listActivity(app.context, { shop: SHOP, events: "orders", limit: 1 })).rows[0];
    expect(order?.pageUrl).toBeNull();
    expect(order?.fromCollector).toBe(false);
  });
});

describe("Purchase figures beside funnel rows", () => {
  it("Home counts purchases only: sent, failed, waiting and the last send", async () => {
    const summary = await readHomeSummary(app.context, SHOP);
    expect(summary).toEqual({ sent: PURCHASES - 3, failed: 2, waiting: 1, retrying: 0, skipped: 0, lastSentAt: NOW - DAY_MS + (PURCHASES - 1) * 60_000 + 500 });
  });

  it("the pause banner's deadline counts waiting purchases, not waiting shopper events", async () => {
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: ["1234567890"], accessToken: "EAA" }, NOW - 2 * DAY_MS);
    await app.context.shops.markNeedsAttention(SHOP, "Meta error 190/467: invalid", NOW - DAY_MS);
    const attention = await readAttention(app.context, SHOP, NOW);
    expect(attention.deadline).toMatchObject({ waiting: 1, expired: 0 });
    expect(attention.deadline?.sendBy).toBe((Math.floor((NOW - DAY_MS + 2 * 60_000) / 1000) * 1000) + 7 * DAY_MS);
  });

  it("Health counts paid orders only", async () => {
    const summary = await healthSummary(app.context, SHOP, 7, NOW);
    expect(summary.totals.paidOrders).toBe(PURCHASES);
    expect(summary.totals.delivered).toBe(PURCHASES - 3);
  });

  it("the low-day alert counts orders only (funnel rows have no order)", async () => {
    const day = await app.context.alertLog.countDay(SHOP, NOW - 2 * DAY_MS, NOW);
    expect(day).toEqual({ received: PURCHASES, accountedFor: PURCHASES - 3, delivered: PURCHASES - 3, skipped: 0 });
  });
});
