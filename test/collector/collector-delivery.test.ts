import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../app/services";
import { buildTrUrl } from "../../app/tracking/pixel/tr-url";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { waitFor } from "../support/wait";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { countCollectorDeliveries, funnelRowsOf, funnelSentCounts } from "../support/funnel-rows";

// Issue 16, end to end: funnel events posted to the collector reach the Meta Graph API simulator through the
// ordinary delivery worker (batched per pixel, like Purchase), under the browser's event ids, once per pixel.
// Sent, they stay in funnel_events as done keys and are counted in funnel_event_counts (docs/decisions/0034).

const SHOP = "collector-delivery.myshopify.com";
const PIXELS = { "3333333333": "EAACollectorDeliveryToken", "4444444444": "EAACollectorDeliveryToken" };
const BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

let sim: MetaSimulator;
let context: Services;
let base: string;
let server: BuiltServer;

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: PIXELS });
  delete process.env.REDIS_URL;
  server = await startBuiltServer("collector-delivery", { META_GRAPH_URL: sim.url, WORKER: "inline", LOG_LEVEL: "silent" });
  base = `http://127.0.0.1:${server.port}`;
  context = await server.appContext();
  await context.shops.saveShopConfig(SHOP, { pixelIds: Object.keys(PIXELS), accessToken: "EAACollectorDeliveryToken" }, Date.now());
});

afterAll(async () => {
  await server.stop();
  await sim.close();
});

/** The UTC day of a moment, the key funnel_event_counts uses. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function body(eventName: string, eventId: string): string {
  const tr = new URL(
    buildTrUrl("https://www.facebook.com/tr", {
      pixelId: "1",
      eventName,
      eventId,
      pageUrl: "https://collector-delivery.example/products/lamp",
      timestampMs: Date.now() - 2_000,
      customData: { value: 30, currency: "USD", contents: [{ id: "55", quantity: 1, item_price: 30 }], content_ids: ["55"], content_type: "product" },
      fbp: "fb.1.1700000000000.111222333",
      limitedDataUse: false,
    }),
  );
  const params = new URLSearchParams({ shop: SHOP, ck: "" });
  for (const [key, value] of tr.searchParams) if (key !== "id") params.append(key, value);
  return params.toString();
}

describe("collector → worker → Meta", () => {
  it("sends each funnel event to every configured pixel under the browser's event id", async () => {
    const events = [
      ["ViewContent", "evt_vc_1"],
      ["AddToCart", "evt_atc_1"],
      ["InitiateCheckout", "evt_ic_1"],
    ] as const;
    const dayAtStart = utcDay(Date.now());
    for (const [name, id] of events) {
      const response = await fetch(`${base}/collect`, { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER_UA }, body: body(name, id) });
      expect(response.status).toBe(204);
    }

    await waitFor(() => sim.accepted.length >= events.length * 2, 15_000, "six events accepted by Meta");
    const received = sim.accepted.map((accepted) => `${accepted.pixelId} ${String(accepted.event.event_name)} ${String(accepted.event.event_id)}`).sort();
    expect(received).toEqual(
      Object.keys(PIXELS)
        .flatMap((pixel) => events.map(([name, id]) => `${pixel} ${name} ${id}`))
        .sort(),
    );
    const one = sim.accepted.find((accepted) => accepted.event.event_id === "evt_atc_1");
    expect(one?.event).toMatchObject({ action_source: "website", event_source_url: "https://collector-delivery.example/products/lamp", user_data: { client_user_agent: BROWSER_UA, fbp: "fb.1.1700000000000.111222333" } });
    // Loopback is no shopper's public address: it is not sent.
    expect((one?.event.user_data as Record<string, unknown>).client_ip_address).toBeUndefined();
    // Each of the six rows is done with its payload cleared (its key stays, so a replay stores nothing) ...
    const ids = events.map(([, id]) => id);
    const done = async () => (await funnelRowsOf(context.database.db, ids)).filter((row) => row.done_at !== null).length;
    await waitFor(async () => (await done()) === 6, 5_000, "six rows done");
    const rows = await funnelRowsOf(context.database.db, ids);
    expect(rows.map((row) => `${row.destination} ${row.event_name} ${row.event_id}`).sort()).toEqual(
      Object.keys(PIXELS)
        .flatMap((pixel) => events.map(([name, id]) => `meta:${pixel} ${name} ${id}`))
        .sort(),
    );
    for (const row of rows) {
      expect(row.done_at).toEqual(expect.any(Number));
      expect(row.payload).toBeNull();
      expect(row.lease_owner).toBeNull();
    }
    // ... counted as sent, two per event name (one per pixel), on the UTC day they were sent ...
    const dayAtEnd = utcDay(Date.now());
    const counts = await funnelSentCounts(context.database.db, SHOP);
    for (const count of counts) expect([dayAtStart, dayAtEnd]).toContain(count.day);
    const sentByName = new Map<string, number>();
    for (const count of counts) sentByName.set(count.eventName, (sentByName.get(count.eventName) ?? 0) + count.sent);
    expect(Object.fromEntries(sentByName)).toEqual({ ViewContent: 2, AddToCart: 2, InitiateCheckout: 2 });
    // ... and none of them went to the outbox: a first try that succeeds never touches `deliveries`.
    expect(await countCollectorDeliveries(context.database.db, SHOP)).toBe(0);
  });
});
