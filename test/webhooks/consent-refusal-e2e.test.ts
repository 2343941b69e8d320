import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { action } from "../../app/routes/webhooks.orders.paid";
import { runCapture } from "../../app/storefront-capture/run-capture";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { buildWebhookRequest } from "../../sim/webhook-sender";
import { createStorefrontPage } from "../../scripts/demo/storefront-page";
import type { ShopperPrivacy } from "../../scripts/demo/pixel-host";
import { TEST_SECRET } from "../support/app-context";
import { useTestApp } from "../support/app";
import { responseOf } from "../support/thrown-response";

// Decision 0035, from the storefront to Meta: the REAL storefront capture writes the cart of a shopper who
// declined (or withdrew) marketing consent, Shopify carries those cart attributes to the order's
// note_attributes, the signed orders/paid webhook goes through the real route into SQLite, and the delivery
// worker sends what is due to the Meta simulator. The shop sends on unknown consent ("send"), so only the
// refusal record on the order stands between that shopper and a server Purchase.

const SHOP = "consent-refusal.myshopify.com";
const PIXEL = "6060606060";
const TOKEN = "EAA-consent-refusal";
const VARIANT = 45012345678901;

const GRANTED: ShopperPrivacy = { marketingAllowed: true, analyticsProcessingAllowed: true, saleOfDataAllowed: true };
const DECLINED: ShopperPrivacy = { marketingAllowed: false, analyticsProcessingAllowed: false, saleOfDataAllowed: false };

let sim: MetaSimulator;
beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: TOKEN } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const app = useTestApp({ env: () => ({ META_GRAPH_URL: sim.url }) });

/** A shopper who lands from an ad, adds to the cart and answers the banner; `answers` in order, one pass each. */
async function cartAttributesOf(answers: ShopperPrivacy[]): Promise<Record<string, string>> {
  const privacy = { ...DECLINED };
  const storefront = createStorefrontPage("consent-refusal.example", privacy);
  storefront.cart.add({ id: VARIANT, quantity: 1 });
  for (const answer of answers) {
    // The page's Customer Privacy API reads the shopper's current answer (a banner, then the preferences link).
    Object.assign(privacy, answer);
    expect((await runCapture(storefront.envFor("/products/linen-shirt?fbclid=IwAR-refusal&gclid=G-1"))).status).toMatch(
      /^(written|unchanged)$/,
    );
  }
  return storefront.cart.attributes;
}

/** The order Shopify makes from that cart: its attributes become note_attributes. */
function orderFrom(n: number, attributes: Record<string, string>) {
  const now = new Date().toISOString();
  return numberedOrder(n, {
    processed_at: now,
    created_at: now,
    note_attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
  });
}

async function deliver(order: object, webhookId: string): Promise<void> {
  const request = buildWebhookRequest({
    url: "http://localhost:3000/webhooks/orders/paid",
    topic: "orders/paid",
    shop: SHOP,
    body: order,
    secret: TEST_SECRET,
    webhookId,
  });
  expect((await responseOf(action({ request, params: {}, context: {} }))).status).toBe(200);
}

async function rowOf(orderId: number) {
  return app.context.database.db
    .selectFrom("deliveries")
    .select(["status", "status_reason", "event_id", "payload"])
    .where("order_id", "=", String(orderId))
    .executeTakeFirstOrThrow();
}

describe("a refusal recorded on the cart reaches the server", () => {
  it("gets no server Purchase for a shopper who declined or withdrew, though the shop sends on unknown consent", async () => {
    // GIVEN a shop that sends orders whose consent is unknown
    await app.context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: TOKEN, settings: { unknownConsent: "send" } }, Date.now());

    // AND four orders: one from a shopper who declined, one who granted then withdrew, one who granted, and one
    // whose cart carries nothing of ours (what a declined shopper's order looked like before the refusal record)
    const declined = await cartAttributesOf([DECLINED]);
    const withdrawn = await cartAttributesOf([GRANTED, DECLINED]);
    const granted = await cartAttributesOf([GRANTED]);
    expect(declined).toEqual({ _tandem_consent: "m0;a0;s0" });
    expect(Object.keys(withdrawn).sort()).toEqual(["_tandem_consent", "_tandem_event_id"]);
    expect(withdrawn._tandem_consent).toBe("m0;a0;s0");
    expect(granted._tandem_consent).toBe("m1;a1;s1");
    const orders = { declined: orderFrom(1, declined), withdrawn: orderFrom(2, withdrawn), granted: orderFrom(3, granted), silent: orderFrom(4, {}) };

    // WHEN Shopify sends orders/paid for each and the worker runs
    for (const [name, order] of Object.entries(orders)) await deliver(order, `wh-${name}`);
    await app.context.worker.runOnce();

    // THEN the declined and withdrawn orders are skipped for no consent, with nothing kept to send
    for (const order of [orders.declined, orders.withdrawn]) {
      expect(await rowOf(order.id)).toMatchObject({ status: "skipped", status_reason: "no_consent", payload: null });
    }
    // AND Meta received exactly the two others: the granted one under its cart's id, the silent one under "send"
    const sent = [await rowOf(orders.granted.id), await rowOf(orders.silent.id)];
    expect(sent.map((row) => row.status)).toEqual(["sent", "sent"]);
    expect(sent[0]?.event_id).toBe(granted._tandem_event_id);
    const purchases = sim.accepted.filter((accepted) => accepted.event.event_name === "Purchase");
    expect(purchases.map((accepted) => accepted.event.event_id).sort()).toEqual(sent.map((row) => row.event_id).sort());
  });
});
