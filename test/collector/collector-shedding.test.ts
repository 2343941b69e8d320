import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../app/services";
import { BUSY_WITH_WEBHOOKS } from "../../app/webhooks/webhook-pressure.server";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { createWebhookClient, type WebhookClient } from "../../sim/webhook-sender";
import { TEST_SECRET } from "../support/app-context";
import { startBuiltServer, type BuiltServer } from "../support/built-server";
import { funnelRowsOf } from "../support/funnel-rows";
import { holdWriteLock } from "../support/sqlite-write-lock";
import { sleep, waitFor } from "../support/wait";
import { addToCartBody } from "./collect-event";

// Issue 16, "Purchase budgets keep holding with the collector loaded" (docs/decisions/0033): over real HTTP
// against the production server around the build, the collector gives way while webhooks are in flight and caps
// its own pending requests. What holds them in flight is real: another connection keeps the SQLite write lock,
// so verified webhooks (and admitted collector events) wait for their commit, as they would behind a slow disk
// or another process's transaction.

const SHOP = "collector-shedding.myshopify.com";
const PIXELS = ["3333333333", "4444444444"];
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
// A crawler's event is answered without any write, so it can probe the collector while the writer is locked.
const BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const IN_FLIGHT_CAP = 4;
const ROOMY = { perSecond: 1_000, burst: 1_000 };

let context: Services;
let base: string;
let server: BuiltServer;
let client: WebhookClient;

beforeAll(async () => {
  delete process.env.REDIS_URL;
  server = await startBuiltServer("shedding", { LOG_LEVEL: "silent" }, { collectorLimits: { client: ROOMY, shop: ROOMY, inFlight: IN_FLIGHT_CAP } });
  base = `http://127.0.0.1:${server.port}`;
  context = (await server.appContext()) as Services;
  await context.shops.saveShopConfig(SHOP, { pixelIds: PIXELS, accessToken: "EAASheddingToken" }, Date.now());
  client = createWebhookClient({ baseUrl: base, secret: TEST_SECRET });
});

afterAll(async () => {
  client.close();
  await server.stop();
});

type Answer = {
  status: number;
  retryAfter: string | null;
  cors: string | null;
};

async function collect(body: string, userAgent = BROWSER_UA): Promise<Answer> {
  const response = await fetch(`${base}/collect`, {
    method: "POST",
    headers: {
      "Content-Type": "text/plain;charset=UTF-8",
      "User-Agent": userAgent,
    },
    body,
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    cors: response.headers.get("access-control-allow-origin"),
  };
}

/** The funnel_events rows the collector stored for these events (one per pixel each). */
async function rowsFor(eventIds: string[]) {
  return funnelRowsOf(context.database.db, eventIds);
}

async function shedCount(reason: string): Promise<number> {
  const text = await context.metrics.registry.getSingleMetricAsString("tandem_collector_requests_total");
  const match = new RegExp(`tandem_collector_requests_total\\{outcome="shed",reason="${reason}"\\} (\\d+)`).exec(text);
  return Number(match?.[1] ?? 0);
}

function freshOrder(n: number) {
  const now = new Date().toISOString();
  return numberedOrder(n, { processed_at: now, created_at: now });
}

describe("the collector gives way to webhooks", () => {
  it("while webhooks are in flight it sheds every event at once, stores none and counts them; once they are answered it takes events again", async () => {
    // GIVEN more orders/paid deliveries than the busy threshold, verified and waiting for their commit
    const lock = await holdWriteLock(server.databasePath);
    try {
      const webhooks = Array.from({ length: BUSY_WITH_WEBHOOKS + 4 }, (_, i) => client.send("orders/paid", SHOP, freshOrder(100 + i)));
      let shed = 0;
      await waitFor(
        async () => {
          const probe = await collect(addToCartBody(SHOP, `evt_probe_${shed}`), BOT_UA);
          if (probe.status === 503) shed += 1;
          return probe.status === 503;
        },
        3_000,
        "the collector shedding while webhooks are in flight",
      );

      // WHEN shoppers' events arrive meanwhile
      const pressed = Array.from({ length: 5 }, (_, i) => `evt_pressed_${i}`);
      const answers = await Promise.all(pressed.map((id) => collect(addToCartBody(SHOP, id))));
      shed += answers.length;

      // THEN each is answered 503 at once (it did not wait for the locked writer), with Retry-After and CORS
      expect(answers).toEqual(pressed.map(() => ({ status: 503, retryAfter: "1", cors: "*" })));
      await lock.release();
      expect((await Promise.all(webhooks)).map((sent) => sent.status)).toEqual(webhooks.map(() => 200));
      expect(await rowsFor(pressed)).toEqual([]);
      expect(await shedCount("webhook_pressure")).toBe(shed);
      expect(await shedCount("collector_busy")).toBe(0);

      // AND once the webhooks are answered, the collector stores events again
      expect((await collect(addToCartBody(SHOP, "evt_after_pressure"))).status).toBe(204);
      expect((await rowsFor(["evt_after_pressure"])).length).toBe(PIXELS.length);
      expect(await shedCount("webhook_pressure")).toBe(shed);
    } finally {
      await lock.release();
    }
  });

  it("past its cap on requests in flight it sheds the rest at once and stores none of them; those admitted are stored", async () => {
    // GIVEN as many events as the cap, admitted and waiting for their commit behind another connection's lock
    const lock = await holdWriteLock(server.databasePath);
    try {
      const admittedIds = Array.from({ length: IN_FLIGHT_CAP }, (_, i) => `evt_admitted_${i}`);
      const admitted = admittedIds.map((id) => collect(addToCartBody(SHOP, id)));
      // Nothing outside the server tells when they reached it; loopback takes far less than this.
      await sleep(300);

      // WHEN more arrive
      const overIds = Array.from({ length: 3 }, (_, i) => `evt_over_cap_${i}`);
      const over = await Promise.all(overIds.map((id) => collect(addToCartBody(SHOP, id))));

      // THEN those are answered 503 at once and never stored; the admitted ones are stored once the lock is gone
      expect(over.map((answer) => [answer.status, answer.retryAfter])).toEqual(overIds.map(() => [503, "1"]));
      await lock.release();
      expect((await Promise.all(admitted)).map((answer) => answer.status)).toEqual(admittedIds.map(() => 204));
      expect((await rowsFor(admittedIds)).length).toBe(IN_FLIGHT_CAP * PIXELS.length);
      expect(await rowsFor(overIds)).toEqual([]);
      expect(await shedCount("collector_busy")).toBe(overIds.length);

      // AND with the slots given back, the next event is taken
      expect((await collect(addToCartBody(SHOP, "evt_after_cap"))).status).toBe(204);
      expect((await rowsFor(["evt_after_cap"])).length).toBe(PIXELS.length);
    } finally {
      await lock.release();
    }
  });
});
