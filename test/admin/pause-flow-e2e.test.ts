import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import type { AppContext } from "../../app/context.server";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createDeliveryWorker, type DeliveryWorker } from "../../app/delivery/worker.server";
import { createOutbox } from "../../app/db/outbox.server";
import { createShopStore } from "../../app/db/shops.server";
import { encryptionKeys } from "../../app/env.server";
import { purchaseEvent } from "../delivery/harness";
import { startMetaSimulator, type MetaSimulator } from "../../sim/meta-graph-sim";
import { createFakeAdmin } from "./fake-admin-graphql";
import { routeShopToHandler } from "./real-admin-client";
import { embeddedQuery, mintSessionToken, storeOfflineSession } from "./session-token";

// The pause, retry and test flows over HTTP against the REAL server build and the Meta simulator
// (decision 0022): a revoked token pauses the shop; saving an unrelated setting leaves the pause; a retry is
// refused while the token stands; a fixed token is confirmed by one read, lifts the pause, and the waiting
// purchases go out once; a test event carries the code typed on the card and nothing is saved.

const SHOP = "tandem-pause-flow.myshopify.com";
const PIXEL = "7777777777";
const GOOD = "EAA-fixed-token";
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" };
const admin = createFakeAdmin();
let sim: MetaSimulator;
let server: BuiltServer;
let app: AppContext;
let worker: DeliveryWorker;

beforeAll(async () => {
  sim = await startMetaSimulator({ pixels: { [PIXEL]: GOOD } });
  routeShopToHandler(SHOP, admin.handler);
  server = await startBuiltServer("pause-flow", { META_GRAPH_URL: sim.url });
  app = await server.appContext();
  await storeOfflineSession(app.sessionStorage, SHOP);
  // The server's own delivery runs on a thread; this test drives passes itself, on the same database.
  // Built from this checkout's modules over the server's database, so worker and stores are one version.
  const shops = createShopStore(app.database, encryptionKeys(app.env));
  worker = createDeliveryWorker({ outbox: createOutbox(app.database), shops, client: app.client, owner: "pause-flow-test" });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await sim?.close();
});

function url(path: string): string {
  const token = mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: "test-api-secret" });
  return `http://127.0.0.1:${server.port}${path}${path.includes("?") ? "&" : "?"}${embeddedQuery(SHOP, token)}`;
}

function post(path: string, fields: Record<string, string>) {
  return fetch(url(path), { method: "POST", headers: BROWSER, body: new URLSearchParams(fields) });
}

const SETTINGS = { intent: "save", pixelIds: PIXEL, accessToken: "", valueSource: "presentment", unknownConsent: "send", enabled: "on" };

async function rows() {
  return app.database.db.selectFrom("deliveries").select(["status", "status_reason"]).where("shop", "=", SHOP).orderBy("id").execute();
}

describe("pause, retry and test flows against the simulator", () => {
  it("keeps a token pause through unrelated saves and retries, and lifts it once a fixed token is confirmed", async () => {
    // GIVEN a shop whose token Meta refuses, with three purchases the worker tried to send
    await app.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: "EAA-revoked" }, Date.now());
    const eventTime = Math.floor(Date.now() / 1000) - 3_600;
    const purchases: NewDelivery[] = [0, 1, 2].map((n) => {
      const event = purchaseEvent(n, eventTime, SHOP);
      return { shop: SHOP, destination: `meta:${PIXEL}`, eventName: "Purchase", eventId: event.event_id, provenance: "order_id", orderId: `${n}`, orderName: `#${n}`, eventTime, payload: event, matchKeys: ["em"], status: "pending", nextAttemptAt: Date.now() };
    });
    await app.outbox.enqueue(purchases, Date.now());
    for (let pass = 0; pass < 5 && (await app.shops.getShop(SHOP))?.needsAttentionReason == null; pass += 1) await worker.runOnce();
    expect((await app.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190/);
    expect((await rows()).map((row) => row.status)).toEqual(["needs_attention", "needs_attention", "needs_attention"]);

    // WHEN the merchant saves an unrelated setting THEN the pause stays, Meta is not asked, nothing moves
    const readsAtPause = sim.reads.length;
    const unrelated = await post("/app/settings", { ...SETTINGS, includeTax: "on" });
    expect(unrelated.status).toBe(200);
    expect(await unrelated.text()).toContain("Settings saved");
    expect((await app.shops.getShop(SHOP))?.needsAttentionReason).toMatch(/^Meta error 190/);
    expect(sim.reads.length).toBe(readsAtPause);

    // WHEN the merchant presses retry in Activity THEN it is refused: the rows keep waiting with their reason
    const sentBefore = sim.requests.length;
    const retry = await post("/app/activity", { status: "needs_attention" });
    expect(retry.status).toBe(200);
    const retryPage = await retry.text();
    expect(retryPage).toContain("Nothing was sent again");
    expect(retryPage.match(/Waiting — shop paused/g)?.length).toBeGreaterThanOrEqual(3);
    expect(retryPage).toMatch(/Meta no longer accepts the access token[^<]*Paste a new access token in Settings\. Retry is not possible until then/);
    const waiting = await rows();
    expect(waiting.map((row) => row.status)).toEqual(["needs_attention", "needs_attention", "needs_attention"]);
    expect(waiting.filter((row) => !row.status_reason?.startsWith("Meta error 190"))).toEqual([]);
    await worker.runOnce();
    expect(sim.requests.length).toBe(sentBefore);

    // WHEN a mistyped token is saved THEN it is refused in plain words and not stored
    const typo = await post("/app/settings", { ...SETTINGS, accessToken: "EAA-fixed-tokn" });
    expect(await typo.text()).toContain("Meta did not accept this access token");
    expect(await app.shops.getAccessToken(SHOP)).toBe("EAA-revoked");

    // WHEN the fixed token is saved THEN one read confirms it, the pause lifts, and the purchases go out once
    const readsBefore = sim.reads.length;
    const fixed = await post("/app/settings", { ...SETTINGS, accessToken: GOOD });
    expect(await fixed.text()).toContain("Meta accepted the new access token.");
    expect(sim.reads.length - readsBefore).toBe(1);
    expect((await app.shops.getShop(SHOP))?.needsAttentionReason).toBeNull();
    await worker.runOnce();
    expect((await rows()).map((row) => row.status)).toEqual(["sent", "sent", "sent"]);
    expect(sim.countsBy(PIXEL).server).toBe(3);
    expect(sim.duplicateDeliveries()).toEqual([]);
  });

  it("sends a test event with the card's own code, never saving it", async () => {
    const response = await post("/app/settings", { intent: "test", testEventCode: "TEST31337" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`Meta received the test purchase for pixel ${PIXEL}.`);
    expect(sim.accepted.filter((item) => item.testEventCode !== undefined).map((item) => item.testEventCode)).toEqual(["TEST31337"]);
    expect((await app.shops.getShop(SHOP))?.testEventCode).toBeNull();
  });
});
