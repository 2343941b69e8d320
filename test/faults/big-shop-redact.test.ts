import type { ActionFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { setAppContext } from "../../app/context.server";
import { action as ordersPaid } from "../../app/routes/webhooks.orders.paid";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { waitFor } from "../support/wait";
import { buildWebhookRequest } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { MODES, OTHER_SHOP, startFaultApp, type FaultApp } from "./fault-app";
import { responseOf } from "../support/thrown-response";

// Issue 13: shop/redact of a big shop held every other shop's webhooks while one DELETE ran on the web
// thread. Now the webhook only queues the job and the maintenance loop (the delivery thread in embedded mode,
// the worker processes in scale mode) deletes in chunks. A shop of 1,000,000 rows is redacted while another
// shop's webhooks keep arriving: every one is answered 200 and stored, and nothing of the big shop remains.
// Behaviour only; the latency budget for this is in `npm run bench`.

const BIG_SHOP = "big-shop.myshopify.com";
const ROWS = 1_000_000;
const SIDE_ROWS = 100_000;

let app: FaultApp | undefined;
afterEach(async () => {
  setAppContext(undefined);
  await app?.close();
  app = undefined;
});

async function handle(action: (args: ActionFunctionArgs) => Promise<Response>, request: Request): Promise<number> {
  return (await responseOf(action({ request, params: {}, context: {} }))).status;
}

/** 1,000,000 delivery rows (and 100,000 claims and receipts) for one shop, in three set-based statements. */
async function seedBigShop(target: FaultApp): Promise<void> {
  const { db, engine } = target.web.database;
  const now = Date.now();
  const payload = JSON.stringify({ event_name: "Purchase", user_data: { em: ["a".repeat(64)], client_ip_address: "203.0.113.7" } });
  const series = (n: number) =>
    engine === "postgres"
      ? sql`from generate_series(1, ${sql.lit(n)}) as s(i)`
      : sql`from (with recursive s(i) as (select 1 union all select i + 1 from s where i < ${sql.lit(n)}) select i from s)`;
  await sql`
    insert into deliveries (shop, destination, event_name, event_id, provenance, order_id, order_name, event_time, payload,
                            match_keys, status, attempts, next_attempt_at, created_at, updated_at)
    select ${BIG_SHOP}, 'meta:999', 'Purchase', 'evt_' || i, 'order_id', 'o' || i, '#' || i, ${sql.lit(Math.floor(now / 1000))}, ${payload},
           '["em"]', 'sent', 1, 0, ${sql.lit(now - ROWS)} + i, ${sql.lit(now)}
    ${series(ROWS)}`.execute(db);
  await sql`
    insert into order_events (shop, event_name, event_id, order_id, topic, webhook_id, created_at)
    select ${BIG_SHOP}, 'Purchase', 'evt_' || i, 'o' || i, 'orders/paid', 'wh' || i, ${sql.lit(now)}
    ${series(SIDE_ROWS)}`.execute(db);
  await sql`
    insert into webhook_receipts (shop, topic, webhook_id, received_at)
    select ${BIG_SHOP}, 'orders/paid', 'wh' || i, ${sql.lit(now)}
    ${series(SIDE_ROWS)}`.execute(db);
}

async function remaining(target: FaultApp): Promise<Record<string, number>> {
  const { db } = target.web.database;
  const counts: Record<string, number> = {};
  for (const table of ["deliveries", "order_events", "webhook_receipts", "shops", "sessions", "maintenance_jobs", "data_requests"] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("shop", "=", BIG_SHOP)
      .executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

describe.each(MODES)("shop/redact of a 1,000,000-row shop (%s mode)", (mode) => {
  it("answers at once, deletes everything in chunks, and another shop's webhooks all get 200 meanwhile", { timeout: 300_000 }, async () => {
    app = await startFaultApp(mode);
    const target = app;
    setAppContext(target.web);
    // GIVEN a shop with a million events on file
    await target.web.shops.saveShopConfig(BIG_SHOP, { pixelIds: ["999"], accessToken: "EAAB-big" }, Date.now());
    await seedBigShop(target);
    await target.startWorkers();

    // WHEN Shopify sends shop/redact for it
    const redact = buildWebhookRequest({ url: "http://localhost/webhooks/shop/redact", topic: "shop/redact", shop: BIG_SHOP, body: { shop_domain: BIG_SHOP }, secret: TEST_SECRET });
    expect(await handle(shopRedact, redact)).toBe(200);

    // THEN, while it is being deleted, another shop's orders keep being answered 200 and stored
    const statuses: number[] = [];
    let n = 0;
    const processedAt = new Date(Date.now() - 60_000).toISOString();
    const bigShopLeft = async () =>
      (await target.web.database.db.selectFrom("deliveries").select("id").where("shop", "=", BIG_SHOP).limit(1).execute()).length > 0;
    await waitFor(
      async () => {
        const batch = Array.from({ length: 10 }, () => {
          n += 1;
          const request = buildWebhookRequest({
            url: "http://localhost/webhooks/orders/paid",
            topic: "orders/paid",
            shop: OTHER_SHOP,
            body: numberedOrder(n, { processed_at: processedAt }),
            secret: TEST_SECRET,
            webhookId: `side-${n}`,
          });
          return handle(ordersPaid, request);
        });
        statuses.push(...(await Promise.all(batch)));
        return !(await bigShopLeft());
      },
      240_000,
      "big shop's deliveries deleted",
    );
    await waitFor(async () => Object.values(await remaining(target)).every((count) => count === 0), 60_000, "nothing of the big shop left").catch(async (error: unknown) => {
      const jobs = await target.web.database.db.selectFrom("maintenance_jobs").selectAll().execute();
      throw new Error(`${String(error)}; left: ${JSON.stringify(await remaining(target))}; jobs: ${JSON.stringify(jobs)}`);
    });

    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const stored = await target.web.database.db.selectFrom("deliveries").select("id").where("shop", "=", OTHER_SHOP).execute();
    expect(stored).toHaveLength(statuses.length);
    expect(await remaining(target)).toEqual({
      deliveries: 0,
      order_events: 0,
      webhook_receipts: 0,
      shops: 0,
      sessions: 0,
      maintenance_jobs: 0,
      data_requests: 0,
    });
    console.info(`[big-shop-redact ${mode}] ${statuses.length} webhooks of another shop answered during the redaction`);
  });
});
