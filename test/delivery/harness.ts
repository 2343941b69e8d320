import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../app/db/connection.server";
import { createOutbox, type Outbox } from "../../app/db/outbox.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createFunnelOutbox } from "../../app/db/funnel-outbox.server";
import { createShopStore, type ShopStore } from "../../app/db/shops.server";
import { createMetaGraphClient } from "../../app/destinations/meta/graph-client.server";
import { buildDeliveryWorker, deliveryOwnerId } from "../../app/delivery/build-worker.server";
import { createDeliveryWorker, type DeliveryWorkerOptions } from "../../app/delivery/worker.server";
import type { DeliveryLogger } from "../../app/delivery/ports";
import type { FunnelCapiEvent } from "../../app/collector/funnel-capi-event";
import type { CapiServerEvent } from "../../app/tracking/capi-types";
import { openTestPostgres, openTestSqlite } from "../db/support";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";

// One real SQLite file, one real simulator on loopback, one clock both share. Only Meta is simulated.

export const SHOP = "delivery-test.myshopify.com";
export const OTHER_SHOP = "other-shop.myshopify.com";
export const PIXEL = "111111111111111";
export const PIXEL_B = "222222222222222";
export const TOKEN = "EAAB-test-token-shop-a";
export const OTHER_TOKEN = "EAAB-test-token-shop-b";
export const GRAPH_VERSION = "v26.0";
const START_MS = Date.parse("2026-03-02T12:00:00Z");

export type Clock = { now(): number; advance(ms: number): void };

export function createClock(startMs = START_MS): Clock {
  let current = startMs;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

export type LogLine = { level: "info" | "warn" | "error"; fields: Record<string, unknown>; message: string };

export function createMemoryLogger(): DeliveryLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields, message) => void lines.push({ level: "info", fields, message }),
    warn: (fields, message) => void lines.push({ level: "warn", fields, message }),
    error: (fields, message) => void lines.push({ level: "error", fields, message }),
  };
}

export type Harness = {
  clock: Clock;
  database: Database;
  /** Open a second connection to the same database with this (e.g. a worker in another process). */
  databaseUrl: string;
  outbox: Outbox;
  shops: ShopStore;
  sim: MetaSimulator;
  logger: ReturnType<typeof createMemoryLogger>;
  worker(overrides?: Partial<DeliveryWorkerOptions> & { timeoutMs?: number }): ReturnType<typeof createDeliveryWorker>;
  close(): Promise<void>;
};

export type HarnessOptions = { startMs?: number; engine?: "sqlite" | "postgres" };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = createClock(options.startMs);
  const testDb = options.engine === "postgres" ? await openTestPostgres() : await openTestSqlite();
  const { database } = testDb;
  const outbox = createOutbox(database);
  const shops = createShopStore(database, [randomBytes(32)]);
  const sim = await startMetaSimulator({ now: clock.now, pixels: { [PIXEL]: TOKEN, [PIXEL_B]: OTHER_TOKEN } });
  const logger = createMemoryLogger();
  return {
    clock,
    database,
    databaseUrl: testDb.url,
    outbox,
    shops,
    sim,
    logger,
    worker(overrides = {}) {
      const { timeoutMs, ...rest } = overrides;
      const client = createMetaGraphClient({ baseUrl: sim.url, version: GRAPH_VERSION, timeoutMs: timeoutMs ?? 2_000 });
      return createDeliveryWorker({
        outbox,
        shops,
        client,
        owner: "worker-a",
        now: clock.now,
        random: () => 0.5,
        logger,
        retry: { baseMs: 1_000, capMs: 8_000 },
        ...rest,
      });
    },
    async close() {
      await sim.close();
      await testDb.cleanup();
    },
  };
}

export async function configureShop(h: Harness, shop = SHOP, pixelIds = [PIXEL], accessToken = TOKEN): Promise<void> {
  await h.shops.saveShopConfig(shop, { pixelIds, accessToken }, h.clock.now());
}

/** A harness whose default shop (SHOP) is already configured with PIXEL and TOKEN: what most worker tests start from. */
export async function startConfiguredHarness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  await configureShop(h);
  return h;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function purchaseEvent(n: number, eventTimeS: number, shop = SHOP): CapiServerEvent {
  return {
    event_name: "Purchase",
    event_time: eventTimeS,
    event_id: `${shop.slice(0, 5)}-evt-${n}`,
    action_source: "website",
    event_source_url: "https://delivery-test.example.com/",
    user_data: {
      em: sha256(`buyer${n}@example.com`),
      country: sha256("us"),
      client_ip_address: "81.2.69.142",
      client_user_agent: "Mozilla/5.0 (test)",
    },
    custom_data: {
      value: 10 + n,
      currency: "USD",
      contents: [{ id: "sku-1", quantity: 1, item_price: 10 + n }],
      content_ids: ["sku-1"],
      content_type: "product",
      num_items: 1,
      order_id: String(1000 + n),
    },
  };
}

export type EnqueueOptions = { shop?: string; pixelId?: string; from?: number; ageS?: number };

// Enqueues `count` pending Purchase rows, due now; event_time is `ageS` seconds before the clock.
export async function enqueuePurchases(h: Harness, count: number, options: EnqueueOptions = {}): Promise<void> {
  const { shop = SHOP, pixelId = PIXEL, from = 0, ageS = 60 } = options;
  const eventTimeS = Math.floor(h.clock.now() / 1000) - ageS;
  const rows: NewDelivery[] = [];
  for (let n = from; n < from + count; n += 1) {
    const event = purchaseEvent(n, eventTimeS, shop);
    rows.push({
      shop,
      destination: `meta:${pixelId}`,
      eventName: event.event_name,
      eventId: event.event_id,
      provenance: "note_attribute",
      orderId: event.custom_data.order_id,
      orderName: `#${event.custom_data.order_id}`,
      eventTime: eventTimeS,
      payload: event,
      matchKeys: ["em", "country", "client_ip_address", "client_user_agent"],
      status: "pending",
      nextAttemptAt: h.clock.now(),
    });
  }
  await h.outbox.enqueue(rows, h.clock.now());
}

export async function rowsOf(h: Harness, shop = SHOP) {
  const page = await h.outbox.list({ shop, limit: 10_000 });
  return page.rows;
}

/** A web process's paired worker (orders + funnel queue, decision 0034) on the harness, retries within 8 s. */
export function buildPairedWorker(h: Harness) {
  return buildDeliveryWorker({
    role: "web",
    owner: deliveryOwnerId("web"),
    outbox: h.outbox,
    funnelOutbox: createFunnelOutbox(h.database),
    shops: h.shops,
    client: createMetaGraphClient({ baseUrl: h.sim.url, version: GRAPH_VERSION, timeoutMs: 2_000 }),
    logger: h.logger,
    metrics: null,
    overrides: { now: h.clock.now, random: () => 0.5, retry: { baseMs: 1_000, capMs: 8_000 } },
  });
}

/** An AddToCart as the collector maps it (browser ids, address and user agent), 5 s old on the harness clock. */
export function addToCartEvent(h: Harness, eventId: string): { event: FunnelCapiEvent; matchKeys: string[] } {
  return {
    event: {
      event_name: "AddToCart",
      event_time: Math.floor(h.clock.now() / 1000) - 5,
      event_id: eventId,
      action_source: "website",
      event_source_url: "https://delivery-test.example.com/products/shoe",
      user_data: { fbp: "fb.1.1700000000000.987654321", client_ip_address: "81.2.69.142", client_user_agent: "Mozilla/5.0 (test)" },
      custom_data: { value: 40, currency: "EUR", content_ids: ["4711"], content_type: "product" },
    },
    matchKeys: ["fbp", "client_ip_address", "client_user_agent"],
  };
}
