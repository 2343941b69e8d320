import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../app/services";
import { buildTrUrl } from "../../app/tracking/pixel/tr-url";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { countCollectorDeliveries, countFunnelRows, funnelRowsOf } from "../support/funnel-rows";
import { deliveryRow } from "../support/rows";

// Decision 0030 at the door: while a shop holds more unsent funnel rows than FUNNEL_BACKLOG_MAX plus 10 %, the
// collector behind real HTTP answers as always (204) but stores nothing, and counts the refusal in
// tandem_funnel_events_dropped_total{reason="backlog_full"} (one per pixel) and its own requests counter.

const SHOP = "collector-backlog.myshopify.com";
const ROOMY = "collector-roomy.myshopify.com";
const PIXELS = ["1111111111", "2222222222"];
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";

let context: Services;
let base: string;
let server: BuiltServer;

beforeAll(async () => {
  delete process.env.REDIS_URL;
  server = await startBuiltServer("collector-backlog", { LOG_LEVEL: "silent", FUNNEL_BACKLOG_MAX: "100" });
  base = `http://127.0.0.1:${server.port}`;
  context = await server.appContext();
  for (const shop of [SHOP, ROOMY]) await context.shops.saveShopConfig(shop, { pixelIds: PIXELS, accessToken: "EAACollectorToken" }, Date.now());
});

afterAll(async () => {
  await server.stop();
  delete process.env.FUNNEL_BACKLOG_MAX;
});

function collectBody(shop: string, eventId: string): string {
  const tr = new URL(
    buildTrUrl("https://www.facebook.com/tr", {
      pixelId: "999",
      eventName: "AddToCart",
      eventId,
      pageUrl: "https://collector-backlog.example/products/shoe",
      timestampMs: Date.now(),
      customData: { value: 40, currency: "EUR", content_ids: ["4711"], content_type: "product", num_items: 2 },
      userData: { em: "b".repeat(64) },
      fbp: "fb.1.1700000000000.987654321",
      limitedDataUse: false,
    }),
  );
  const params = new URLSearchParams({ shop, ck: "" });
  for (const [key, value] of tr.searchParams) if (key !== "id") params.append(key, value);
  return params.toString();
}

async function post(shop: string, eventId: string, address: string): Promise<number> {
  const response = await fetch(`${base}/collect`, {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER_UA, "X-Forwarded-For": address },
    body: collectBody(shop, eventId),
  });
  await response.arrayBuffer();
  return response.status;
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await context.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

const rowsOf = async (eventId: string) => (await funnelRowsOf(context.database.db, eventId)).length;

describe("the collector and a full funnel backlog", () => {
  it("refuses a shop's funnel events while its backlog is 10 % over the cap, and counts them; another shop is untouched", async () => {
    // GIVEN 111 unsent funnel rows for the shop (cap 100, refused above 110): 105 waiting in funnel_events and 6
    // whose first try failed, moved to `deliveries` to be retried (decision 0034). Neither part alone is over the
    // line, so the refusal below proves both are counted.
    const now = Date.now();
    const waiting = Array.from({ length: 105 }, (_, i) => ({
      shop: SHOP,
      destination: `meta:${PIXELS[0]}`,
      event_name: "ViewContent",
      event_id: `waiting-${i}`,
      event_time: Math.floor(now / 1000),
      payload: "{}",
      match_keys: "[]",
      created_at: now - 1_000 + i,
    }));
    await context.database.db.insertInto("funnel_events").values(waiting).execute();
    const retrying = Array.from({ length: 6 }, (_, i) =>
      deliveryRow({
        shop: SHOP,
        destination: `meta:${PIXELS[1]}`,
        event_name: "ViewContent",
        event_id: `retrying-${i}`,
        provenance: "collector",
        event_time: Math.floor(now / 1000),
        payload: "{}",
        status: "retrying",
        attempts: 1,
        next_attempt_at: now + 60_000,
        created_at: now - 2_000 + i,
        updated_at: now,
      }),
    );
    await context.database.db.insertInto("deliveries").values(retrying).execute();

    // WHEN a shopper of that shop and one of another shop send an event
    expect(await post(SHOP, "refused-1", "81.2.69.10")).toBe(204);
    expect(await post(ROOMY, "stored-1", "81.2.69.11")).toBe(204);

    // THEN the full shop's event is not stored and is counted once per pixel; the other shop's is stored
    expect(await rowsOf("refused-1")).toBe(0);
    expect(await rowsOf("stored-1")).toBe(2);
    expect(await counter("tandem_funnel_events_dropped_total", { reason: "backlog_full" })).toBe(2);
    expect(await counter("tandem_collector_requests_total", { outcome: "ignored", reason: "backlog_full" })).toBe(1);
    // the rows already waiting are all still there: the collector only refuses, the maintenance loop trims
    expect(await countFunnelRows(context.database.db, { shop: SHOP })).toBe(105);
    expect(await countFunnelRows(context.database.db, { shop: SHOP, state: "waiting" })).toBe(105);
    expect(await countCollectorDeliveries(context.database.db, SHOP)).toBe(6);
  });
});
