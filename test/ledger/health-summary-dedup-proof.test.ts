import { describe, expect, it } from "vitest";
import { DAY_MS, healthSummary, DEDUP_ORDERS_LISTED } from "../../app/admin/health.server";
import { useTestApp } from "../support/app";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

// Health's summary carries the dedup proof for the chosen period, from the order claims and the browser ledger.

const SHOP = "proof-summary.myshopify.com";
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

const app = useTestApp();

async function paidWebOrder(n: number, atMs: number, browserId: string | null, status: "sent" | "skipped" | "dead" | "pending" | "retrying" | "held" | "needs_attention" = "sent"): Promise<void> {
  const db = app.context.database.db;
  const token = `tok${n}`;
  await db.insertInto("order_events").values({ shop: SHOP, event_name: "Purchase", event_id: `server${n}`, order_id: String(n), topic: "orders/paid", webhook_id: `wh-${n}`, created_at: atMs, checkout_token: token, browser_event_id: null }).execute();
  await insertDeliveryRows(db, [deliveryRow({ shop: SHOP, event_id: `server${n}`, order_id: String(n), order_name: `#${1000 + n}`, status, created_at: atMs })]);
  if (browserId !== null) await db.insertInto("browser_purchase_ids").values({ shop: SHOP, checkout_token: token, event_id: browserId, created_at: atMs }).execute();
}

describe("healthSummary's dedup proof", () => {
  it("counts the period's web orders by what their browser reported, and lists the latest server-only ones", async () => {
    // GIVEN this week: two paired, one under another id, twelve server-only; and a server-only order a month ago
    await paidWebOrder(1, NOW - 1_000, "server1");
    await paidWebOrder(2, NOW - 2_000, "server2");
    await paidWebOrder(3, NOW - 3_000, "someOtherId");
    for (let n = 10; n < 22; n += 1) await paidWebOrder(n, NOW - DAY_MS - n * 1_000, null);
    await paidWebOrder(99, NOW - 30 * DAY_MS, null);

    const summary = await healthSummary(app.context, SHOP, 7, NOW);

    expect(summary.dedupProof).toMatchObject({ paidOrders: 15, browserOrders: 15, sameId: 2, differentId: 1, serverOnly: 12 });
    expect(summary.dedupProof.recentServerOnly).toHaveLength(DEDUP_ORDERS_LISTED);
    expect(summary.dedupProof.recentServerOnly[0]).toEqual({ orderId: "10", orderName: "#1010", createdAt: NOW - DAY_MS - 10_000 });
  });

  it("counts a web order skipped on purpose (no consent) as not sent, and lists it nowhere", async () => {
    await paidWebOrder(1, NOW - 1_000, null);
    await paidWebOrder(2, NOW - 2_000, null, "skipped");

    const summary = await healthSummary(app.context, SHOP, 7, NOW);

    expect(summary.dedupProof).toMatchObject({ paidOrders: 2, browserOrders: 1, notSent: 1, serverOnly: 1 });
    expect(summary.dedupProof.recentServerOnly.map((order) => order.orderId)).toEqual(["1"]);
  });

  it("counts web orders whose server Purchase is dead as server-failed, in no share, and lists the latest of them by name", async () => {
    // GIVEN one order sent, and twelve whose only row is dead (one of them reported by its browser)
    await paidWebOrder(1, NOW - 1_000, null);
    for (let n = 10; n < 22; n += 1) await paidWebOrder(n, NOW - DAY_MS - n * 1_000, n === 10 ? "server10" : null, "dead");

    const summary = await healthSummary(app.context, SHOP, 7, NOW);

    expect(summary.dedupProof).toMatchObject({ paidOrders: 13, browserOrders: 1, serverOnly: 1, sameId: 0, serverFailed: 12, serverFailedNoBrowser: 11 });
    expect(summary.dedupProof.recentServerOnly.map((order) => order.orderId)).toEqual(["1"]);
    expect(summary.dedupProof.recentServerFailed).toHaveLength(DEDUP_ORDERS_LISTED);
    expect(summary.dedupProof.recentServerFailed[0]).toEqual({ orderId: "10", orderName: "#1010", createdAt: NOW - DAY_MS - 10_000 });
  });

  it("counts web orders whose server Purchase is not sent yet apart as waiting, and those held or paused as waiting for the setup", async () => {
    // GIVEN one order sent, two queued or retrying (one reported by its browser under the same id), two held or paused
    await paidWebOrder(1, NOW - 1_000, null);
    await paidWebOrder(2, NOW - 2_000, "server2", "pending");
    await paidWebOrder(3, NOW - 3_000, null, "retrying");
    await paidWebOrder(4, NOW - 4_000, null, "held");
    await paidWebOrder(5, NOW - 5_000, "server5", "needs_attention");

    const summary = await healthSummary(app.context, SHOP, 7, NOW);

    expect(summary.dedupProof).toMatchObject({ paidOrders: 5, browserOrders: 1, serverWaiting: 4, serverWaitingForSetup: 2, sameId: 0, serverOnly: 1, serverFailed: 0, notSent: 0 });
    expect(summary.dedupProof.recentServerOnly.map((order) => order.orderId)).toEqual(["1"]);
  });
});
