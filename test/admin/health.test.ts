import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS, healthSummary } from "../../app/admin/health.server";
import type { AppContext } from "../../app/context.server";
import { openTestApp } from "../support/app-context";

const SHOP = "health-shop.myshopify.com";
const NOW = Date.UTC(2026, 2, 10, 15, 0, 0);

let context: AppContext;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ context, cleanup } = await openTestApp());
});
afterEach(async () => {
  await cleanup();
});

type Seed = { order: string; pixel?: string; status: string; provenance: string; keys: string[]; ageDays: number; eventName?: string };

async function seed(rows: Seed[]): Promise<void> {
  await context.database.db
    .insertInto("deliveries")
    .values(
      rows.map((row, index) => ({
        shop: SHOP,
        destination: `meta:${row.pixel ?? "111111"}`,
        event_name: row.eventName ?? "Purchase",
        event_id: `evt_${row.order}`,
        provenance: row.provenance,
        order_id: row.order,
        order_name: `#${row.order}`,
        event_time: 0,
        payload: null,
        match_keys: JSON.stringify(row.keys),
        status: row.status,
        attempts: 0,
        next_attempt_at: 0,
        created_at: NOW - row.ageDays * DAY_MS - index,
        updated_at: 0,
      })),
    )
    .execute();
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
    const summary = await healthSummary(context, SHOP, 7, NOW);
    expect(summary.days).toHaveLength(7);
    const today = summary.days[6];
    expect(today?.dayStartMs).toBe(Date.UTC(2026, 2, 10));
    expect(today).toMatchObject({ paidOrders: 4, delivered: 2, withBrowserTwin: 3, mappedOrders: 3 });
    expect(today?.matchKeys).toMatchObject({ em: 2, fbp: 1, ph: 1, client_user_agent: 1, external_id: 1, fbc: 0 });
    expect(summary.days[4]).toMatchObject({ paidOrders: 1, delivered: 1, withBrowserTwin: 1 });
    expect(summary.days[4]?.matchKeys).toMatchObject({ fbc: 1, client_ip_address: 1 });
    expect(summary.totals).toMatchObject({ paidOrders: 5, delivered: 3, withBrowserTwin: 4 });
    const month = await healthSummary(context, SHOP, 30, NOW);
    expect(month.days).toHaveLength(30);
    expect(month.totals.paidOrders).toBe(6);
  });
});
