import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeEach, describe, expect, it } from "vitest";
import { action as uninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as dataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { buildWebhookRequest } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { useTestApp } from "../support/app";
import { storeOfflineSession } from "../admin/session-token";
import { createMaintenance } from "../../app/maintenance/bulk-jobs.server";
import { createDataRequests } from "../../app/db/data-requests.server";
import { createHash } from "node:crypto";
import { deliveryRow, insertDeliveryRows } from "../support/rows";
import { responseOf } from "../support/thrown-response";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const EMAIL_HASH = sha("jane@example.com");

const SHOP = "privacy-shop.myshopify.com";
const NEIGHBOUR = "neighbour.myshopify.com";

const app = useTestApp();
beforeEach(async () => {
  for (const shop of [SHOP, NEIGHBOUR]) {
    await app.context.shops.saveShopConfig(shop, { pixelIds: ["1234567890"], accessToken: "EAA-token" }, Date.now());
    await storeOfflineSession(app.context.sessionStorage, shop);
    await insertDeliveryRows(
      app.context.database.db,
      ["101", "102", "103"].map((order) =>
        deliveryRow({
          shop,
          event_id: `evt_${order}`,
          order_id: order,
          payload: JSON.stringify({ event_name: "Purchase", user_data: { em: [order === "103" ? EMAIL_HASH : sha(`x${order}`)], external_id: [sha(order)], client_ip_address: "203.0.113.9" } }),
          match_keys: '["em"]',
          status: "sent",
          attempts: 1,
        }),
      ),
    );
    await app.context.receipts.record(shop, "orders/paid", `wh-${shop}`, Date.now());
  }
});

async function deliver(handler: (args: ActionFunctionArgs) => Promise<Response>, topic: string, body: object, opts: { forgeHmac?: boolean; webhookId?: string } = {}) {
  const request = buildWebhookRequest({ url: `http://localhost:3000/webhooks/${topic}`, topic, shop: SHOP, body, secret: TEST_SECRET, ...opts });
  return responseOf(handler({ request, params: {}, context: {} }));
}

/** What the maintenance loop does where the worker runs: the queued jobs, chunk by chunk. */
async function runJobs(): Promise<number> {
  const maintenance = createMaintenance({ database: app.context.database, logger: app.context.logger, owner: "test", gapMs: 0 });
  return maintenance.runJobs();
}

const orders = async (shop: string) =>
  (await app.context.database.db.selectFrom("deliveries").select("order_id").where("shop", "=", shop).orderBy("order_id").execute()).map((row) => row.order_id);

describe("privacy and lifecycle webhooks", () => {
  it("app/uninstalled removes sessions and the Meta token, keeps history, and is idempotent", async () => {
    for (const webhookId of ["u-1", "u-1", "u-2"]) expect((await deliver(uninstalled, "app/uninstalled", { domain: SHOP }, { webhookId })).status).toBe(200);
    expect(await app.context.sessionStorage.findSessionsByShop(SHOP)).toEqual([]);
    expect(await app.context.shops.getAccessToken(SHOP)).toBeNull();
    expect((await app.context.shops.getShop(SHOP))?.uninstalledAt).toEqual(expect.any(Number));
    expect(await orders(SHOP)).toHaveLength(3);
    expect(await app.context.sessionStorage.findSessionsByShop(NEIGHBOUR)).toHaveLength(1);
  });

  it("customers/redact deletes only the named orders' records, twice without harm", async () => {
    const body = { shop_domain: SHOP, customer: { id: 9 }, orders_to_redact: [101, "gid://shopify/Order/103"] };
    expect((await deliver(customersRedact, "customers/redact", body)).status).toBe(200);
    expect((await deliver(customersRedact, "customers/redact", body)).status).toBe(200);
    // The webhook only queued the work; the maintenance loop does it.
    expect(await orders(SHOP)).toHaveLength(3);
    expect(await runJobs()).toBe(2);
    expect(await orders(SHOP)).toEqual(["102"]);
    expect(await orders(NEIGHBOUR)).toEqual(["101", "102", "103"]);
  });

  it("customers/data_request records what is held for the customer, by order id and hashed email, without raw contact data", async () => {
    const body = { shop_domain: SHOP, customer: { id: 9, email: " Jane@Example.com ", phone: "+16505551212" }, orders_requested: [101], data_request: { id: 77 } };
    expect((await deliver(dataRequest, "customers/data_request", body)).status).toBe(200);
    await runJobs();
    const requests = createDataRequests(app.context.database);
    const [listed] = await requests.list({ shop: SHOP });
    expect(listed).toMatchObject({ shop: SHOP, requestId: "77", customerId: "9", ordersRequested: ["101"], status: "ready" });
    const record = await requests.get(listed?.id ?? -1);
    // Order 101 by its id, order 103 by the hashed email; order 102 and the neighbour's orders are not the customer's.
    expect(record?.report?.events.map((event) => [event.orderId, event.matchedBy])).toEqual([
      ["101", ["order id"]],
      ["103", ["em"]],
    ]);
    expect(record?.report?.events[1]).toMatchObject({ hashedKeys: { em: [EMAIL_HASH] }, plainKeysHeld: ["client_ip_address"], status: "sent" });
    // Nothing raw is stored: not the email, not the phone, not the IP address.
    const stored = JSON.stringify(await app.context.database.db.selectFrom("data_requests").selectAll().execute());
    expect(stored).not.toMatch(/jane|example\.com|6505551212|203\.0\.113/i);
    expect(await orders(SHOP)).toHaveLength(3);
  });

  it("shop/redact deletes everything about the shop and nothing else, and repeats cleanly", async () => {
    expect((await deliver(shopRedact, "shop/redact", { shop_domain: SHOP })).status).toBe(200);
    expect((await deliver(shopRedact, "shop/redact", { shop_domain: SHOP })).status).toBe(200);
    expect(await orders(SHOP)).toHaveLength(3);
    await runJobs();
    expect(await app.context.shops.getShop(SHOP)).toBeNull();
    const jobs = await app.context.database.db.selectFrom("maintenance_jobs").select("shop").execute();
    expect(jobs.map((row) => row.shop)).not.toContain(SHOP);
    expect(await orders(SHOP)).toEqual([]);
    expect(await app.context.sessionStorage.findSessionsByShop(SHOP)).toEqual([]);
    const receipts = await app.context.database.db.selectFrom("webhook_receipts").select("shop").execute();
    expect(receipts.map((row) => row.shop)).not.toContain(SHOP);
    expect(await app.context.shops.getShop(NEIGHBOUR)).not.toBeNull();
    expect(await orders(NEIGHBOUR)).toHaveLength(3);
  });

  it.each([
    ["app/uninstalled", uninstalled],
    ["customers/redact", customersRedact],
    ["customers/data_request", dataRequest],
    ["shop/redact", shopRedact],
  ] as const)("%s answers 401 to a forged HMAC and touches nothing", async (topic, handler) => {
    const body = { shop_domain: SHOP, orders_to_redact: [101], orders_requested: [101] };
    expect((await deliver(handler, topic, body, { forgeHmac: true })).status).toBe(401);
    expect(await runJobs()).toBe(0);
    expect(await orders(SHOP)).toHaveLength(3);
    expect(await app.context.shops.getAccessToken(SHOP)).toBe("EAA-token");
    expect(await app.context.sessionStorage.findSessionsByShop(SHOP)).toHaveLength(1);
  });
});
