import { describe, expect, it } from "vitest";
import { DAY_MS, healthSummary, type ReferenceCount } from "../../app/admin/health.server";
import { useTestApp } from "../support/app";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

const SHOP = "health-shop.myshopify.com";
const NOW = Date.UTC(2026, 2, 10, 15, 0, 0);

const app = useTestApp();

type Seed = { order: string; pixel?: string; status: string; provenance: string; keys: string[]; ageDays: number; eventName?: string; reason?: string; atMs?: number };

async function seed(rows: Seed[]): Promise<void> {
  await insertDeliveryRows(
    app.context.database.db,
    rows.map((row, index) =>
      deliveryRow({
        shop: SHOP,
        destination: `meta:${row.pixel ?? "111111"}`,
        event_name: row.eventName ?? "Purchase",
        event_id: `evt_${row.order}`,
        provenance: row.provenance,
        order_id: row.order,
        order_name: `#${row.order}`,
        match_keys: JSON.stringify(row.keys),
        status: row.status,
        status_reason: row.reason ?? null,
        created_at: row.atMs ?? NOW - row.ageDays * DAY_MS - index,
      }),
    ),
  );
}

describe("healthSummary", () => {
  it("counts distinct orders per UTC day: paid, delivered, dedup coverage and match keys", async () => {
    await seed([
      // today: order 1 went to two pixels (counts once), order 2 failed, order 3 is a POS order, order 4 skipped
      { order: "1", pixel: "111111", status: "sent", provenance: "note_attribute", keys: ["em", "fbp", "client_user_agent"], ageDays: 0 },
      { order: "1", pixel: "222222", status: "sent", provenance: "note_attribute", keys: ["em", "fbp", "client_user_agent"], ageDays: 0 },
      { order: "2", status: "dead", provenance: "checkout_token", keys: ["em", "ph"], ageDays: 0 },
      { order: "3", status: "sent", provenance: "order_id", keys: ["external_id"], ageDays: 0 },
      { order: "4", status: "skipped", provenance: "note_attribute", keys: ["em"], ageDays: 0 },
      // two days ago
      { order: "5", status: "sent", provenance: "checkout_token", keys: ["fbc", "client_ip_address"], ageDays: 2 },
      // outside a 7-day window, and a non-Purchase event
      { order: "6", status: "sent", provenance: "note_attribute", keys: ["em"], ageDays: 9 },
      { order: "7", status: "sent", provenance: "note_attribute", keys: ["em"], ageDays: 0, eventName: "Lead" },
    ]);
    const summary = await healthSummary(app.context, SHOP, 7, NOW);
    expect(summary.days).toHaveLength(7);
    const today = summary.days[6];
    expect(today?.dayStartMs).toBe(Date.UTC(2026, 2, 10));
    expect(today).toMatchObject({ paidOrders: 4, delivered: 2, withBrowserTwin: 3, mappedOrders: 3 });
    expect(today?.matchKeys).toMatchObject({ em: 2, fbp: 1, ph: 1, client_user_agent: 1, external_id: 1, fbc: 0 });
    expect(summary.days[4]).toMatchObject({ paidOrders: 1, delivered: 1, withBrowserTwin: 1 });
    expect(summary.days[4]?.matchKeys).toMatchObject({ fbc: 1, client_ip_address: 1 });
    expect(summary.totals).toMatchObject({ paidOrders: 5, delivered: 3, withBrowserTwin: 4 });
    const month = await healthSummary(app.context, SHOP, 30, NOW);
    expect(month.days).toHaveLength(30);
    expect(month.totals.paidOrders).toBe(6);
  });

  it("accounts for Shopify's paid orders: delivered plus skipped on purpose, and shows orders never received", async () => {
    await seed([
      { order: "1", status: "sent", provenance: "note_attribute", keys: ["em"], ageDays: 0 },
      { order: "2", status: "skipped", provenance: "note_attribute", keys: [], ageDays: 0, reason: "no_consent" },
      { order: "3", status: "skipped", provenance: "order_id", keys: [], ageDays: 1, reason: "test_order" },
      { order: "4", status: "dead", provenance: "checkout_token", keys: ["em"], ageDays: 1 },
      // one order, two pixels: sent on one, failed on the other — delivered, counted once
      { order: "5", pixel: "111111", status: "sent", provenance: "checkout_token", keys: ["ph"], ageDays: 2 },
      { order: "5", pixel: "222222", status: "dead", provenance: "checkout_token", keys: ["ph"], ageDays: 2 },
      { order: "6", status: "pending", provenance: "checkout_token", keys: ["em"], ageDays: 2 },
    ]);
    const asked: Array<[number, number]> = [];
    // GIVEN Shopify counted 8 paid, non-test orders in the period (two never reached Tandem)
    const countPaidOrders = async (fromMs: number, toMs: number): Promise<ReferenceCount> => {
      asked.push([fromMs, toMs]);
      return { kind: "count", count: 8, exact: true };
    };
    const summary = await healthSummary(app.context, SHOP, 7, NOW, { countPaidOrders });
    expect(asked).toEqual([[Date.UTC(2026, 2, 4), Date.UTC(2026, 2, 11)]]);
    expect(summary.totals).toMatchObject({ paidOrders: 6, delivered: 2, onTheWay: 1, failed: 1, testOrders: 1 });
    expect(summary.totals.skipped).toMatchObject({ no_consent: 1, test_order: 1 });
    // THEN the consent skip counts as accounted for, the test order is outside Shopify's count, 3 are missing
    expect(summary.reconciliation).toEqual({ reference: 8, source: "shopify", shopifyDetail: null, received: 5, accountedFor: 3, notReceived: 3 });

    const unavailable = await healthSummary(app.context, SHOP, 7, NOW, { countPaidOrders: async () => ({ kind: "unavailable", detail: "HTTP 503" }) });
    expect(unavailable.reconciliation).toMatchObject({ reference: 5, source: "received", shopifyDetail: "HTTP 503", notReceived: 0 });
  });

  it("buckets days in the shop's time zone, across a daylight-saving change", async () => {
    // 2026-03-08 is the US spring-forward day: New York midnights are 05:00 UTC before it and 04:00 UTC after.
    const now = Date.UTC(2026, 2, 10, 15, 0, 0);
    await seed([
      { order: "a", status: "sent", provenance: "note_attribute", keys: [], ageDays: 0, atMs: Date.UTC(2026, 2, 10, 3, 30) }, // Mar 9, 23:30 New York
      { order: "b", status: "sent", provenance: "note_attribute", keys: [], ageDays: 0, atMs: Date.UTC(2026, 2, 10, 4, 30) }, // Mar 10, 00:30
      { order: "c", status: "sent", provenance: "note_attribute", keys: [], ageDays: 0, atMs: Date.UTC(2026, 2, 8, 4, 30) }, // Mar 7, 23:30 EST
    ]);
    const summary = await healthSummary(app.context, SHOP, 7, now, { timeZone: "America/New_York" });
    expect(summary.days.map((day) => new Date(day.dayStartMs).toISOString().slice(0, 16))).toEqual([
      "2026-03-04T05:00",
      "2026-03-05T05:00",
      "2026-03-06T05:00",
      "2026-03-07T05:00",
      "2026-03-08T05:00",
      "2026-03-09T04:00",
      "2026-03-10T04:00",
    ]);
    expect(summary.days.map((day) => day.paidOrders)).toEqual([0, 0, 0, 1, 0, 1, 1]);
  });

  it("is empty, not 0 of 0, for a shop without orders", async () => {
    const summary = await healthSummary(app.context, SHOP, 30, NOW, { countPaidOrders: async () => ({ kind: "count", count: 0, exact: true }) });
    expect(summary.days).toHaveLength(30);
    expect(summary.totals.paidOrders).toBe(0);
    expect(summary.reconciliation).toMatchObject({ reference: 0, accountedFor: 0, notReceived: 0 });
  });
});
