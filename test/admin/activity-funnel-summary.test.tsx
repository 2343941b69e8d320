import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { listActivity, parseActivityParams, readFunnelSummary, type FunnelSummary } from "../../app/admin/activity.server";
import { DAY_MS } from "../../app/admin/health.server";
import { FunnelSummaryPanel } from "../../app/components/funnel-summary";
import { writeCollected, type CollectorWrite } from "../../app/db/collector-writes.server";
import { funnelSentCounts } from "../../app/db/funnel-counts.server";
import { createFunnelOutbox, utcDay } from "../../app/db/funnel-outbox.server";
import { metaDestination } from "../../app/destinations/destination-key";
import { openTestPostgres, openTestSqlite } from "../db/support";
import { suiteDatabase } from "../db/suite-database";
import { useTestApp } from "../support/app";

// Sent shopper events are counted, not listed (decision 0034): the funnel outbox's markSent adds them to
// funnel_event_counts and keeps no row for Activity. What Activity shows above its table when the Events filter
// picks shopper events comes from those counts and from the waiting queue; the table holds the failures.

const SHOP = "counted-shop.myshopify.com";
const OTHER = "other-counted-shop.myshopify.com";
const PIXEL = "1234567890";
const NOW = Date.UTC(2026, 10, 30, 12, 0);
const TODAY = utcDay(NOW);

const app = useTestApp({ per: "file" });

function funnel(eventName: string, eventId: string, at: number, shop = SHOP): CollectorWrite {
  return {
    kind: "funnel",
    rows: [
      {
        shop,
        destination: metaDestination(PIXEL),
        event_name: eventName,
        event_id: eventId,
        event_time: Math.floor(at / 1000),
        payload: JSON.stringify({ event_name: eventName, event_id: eventId, event_source_url: "https://counted.example/products/mug" }),
        match_keys: JSON.stringify(["fbp"]),
        created_at: at,
      },
    ],
  };
}

const many = (eventName: string, count: number, prefix: string, at: number) =>
  Array.from({ length: count }, (_, index) => funnel(eventName, `${prefix}_${eventName}_${index}`, at));

/** Stores the events as the collector does, claims them as the funnel worker does, and records the outcome. */
async function sendAt(at: number, writes: CollectorWrite[], failEventId?: string): Promise<void> {
  const outbox = createFunnelOutbox(app.context.database);
  await writeCollected(app.context.database, writes, at);
  const claimed = await outbox.claimDue({ nowMs: at, limit: 1_000, owner: "summary-test", leaseMs: 60_000 });
  expect(claimed).toHaveLength(writes.length);
  const failed = claimed.filter((row) => row.eventId === failEventId).map((row) => row.id);
  const sent = claimed.filter((row) => row.eventId !== failEventId).map((row) => row.id);
  await outbox.markSent(sent, { nowMs: at, fbtraceId: "Atrace", eventsReceived: sent.length });
  await outbox.markDead(failed, { owner: "summary-test", nowMs: at, reason: "Meta error 100: Invalid parameter" });
}

const summaryFor = async (events: string | null) =>
  readFunnelSummary(app.context, parseActivityParams(SHOP, new URLSearchParams(events === null ? {} : { events }), "UTC").query, NOW);

const render = (summary: FunnelSummary) => renderToStaticMarkup(<AppProvider i18n={englishI18n}><FunnelSummaryPanel summary={summary} /></AppProvider>);

/** The today and 7-day figures the panel shows on one event name's line. */
function sentLine(html: string, name: string): [string, string] | null {
  const match = new RegExp(`data-funnel-sent="${name}".*?data-sent-today="true">([^<]*)<.*?data-sent-week="true">([^<]*)<`).exec(html);
  return match ? [match[1] ?? "", match[2] ?? ""] : null;
}

beforeAll(async () => {
  await app.context.shops.saveShopConfig(SHOP, { pixelIds: [PIXEL], accessToken: "EAA", enabled: true }, NOW - 10 * DAY_MS);
  // Two days ago: 5 product views and 3 adds to cart, all sent.
  await sendAt(NOW - 2 * DAY_MS, [...many("ViewContent", 5, "d2", NOW - 2 * DAY_MS), ...many("AddToCart", 3, "d2", NOW - 2 * DAY_MS)]);
  // Today: 4 product views, 3 adds to cart (one fails at its first try and moves to deliveries), 1 checkout.
  await sendAt(
    NOW,
    [...many("ViewContent", 4, "d0", NOW), ...many("AddToCart", 3, "d0", NOW), ...many("InitiateCheckout", 1, "d0", NOW)],
    "d0_AddToCart_1",
  );
  // Waiting for their first send: 2 searches and 1 add to cart, stored and not yet claimed.
  await writeCollected(app.context.database, [...many("Search", 2, "w", NOW), ...many("AddToCart", 1, "w", NOW)], NOW);
  // Counts as markSent leaves them: six days ago is inside the last 7 days, seven days ago is not; another shop's are its own.
  await app.context.database.db
    .insertInto("funnel_event_counts")
    .values([
      { shop: SHOP, day: utcDay(NOW - 6 * DAY_MS), event_name: "ViewContent", sent: 12_000 },
      { shop: SHOP, day: utcDay(NOW - 7 * DAY_MS), event_name: "ViewContent", sent: 500 },
      { shop: OTHER, day: TODAY, event_name: "AddToCart", sent: 77 },
    ])
    .execute();
});

describe("funnelSentCounts", () => {
  it("reads the shop's counts per event name and UTC day from the day asked for, as markSent wrote them", async () => {
    const counts = await funnelSentCounts(app.context.database, SHOP, utcDay(NOW - 2 * DAY_MS));
    expect(counts).toEqual([
      { eventName: "AddToCart", day: utcDay(NOW - 2 * DAY_MS), sent: 3 },
      { eventName: "ViewContent", day: utcDay(NOW - 2 * DAY_MS), sent: 5 },
      { eventName: "AddToCart", day: TODAY, sent: 2 },
      { eventName: "InitiateCheckout", day: TODAY, sent: 1 },
      { eventName: "ViewContent", day: TODAY, sent: 4 },
    ]);
  });
});

describe("Activity's shopper events summary", () => {
  it("counts every shopper event sent today and in the last 7 days, and those waiting now", async () => {
    const summary = await summaryFor("shopper");
    expect(summary).toEqual({
      today: TODAY,
      chosen: null,
      lines: [
        { eventName: "ViewContent", today: 4, week: 5 + 4 + 12_000 },
        { eventName: "AddToCart", today: 2, week: 3 + 2 },
        { eventName: "InitiateCheckout", today: 1, week: 1 },
      ],
      total: { today: 7, week: 12_015 },
      waiting: 3,
      waitingCapped: false,
    });
    // All events shows the same counts: no view lists the sent ones.
    expect(await summaryFor("all")).toEqual(summary);
  });

  it("counts only the chosen event; the waiting count is of every kind; Purchases has no summary", async () => {
    expect(await summaryFor("AddToCart")).toMatchObject({ chosen: "AddToCart", lines: [{ eventName: "AddToCart", today: 2, week: 5 }], total: { today: 2, week: 5 }, waiting: 3 });
    expect(await summaryFor("Search")).toMatchObject({ chosen: "Search", lines: [{ eventName: "Search", today: 0, week: 0 }], waiting: 3 });
    expect(await summaryFor(null)).toBeNull();
  });

  it("the table below lists only the shopper event whose first send failed, not the sent ones", async () => {
    const page = await listActivity(app.context, parseActivityParams(SHOP, new URLSearchParams({ events: "shopper" }), "UTC").query);
    expect(page.rows.map((row) => [row.eventName, row.eventId, row.status, row.fromCollector])).toEqual([["AddToCart", "d0_AddToCart_1", "dead", true]]);
  });

  it("renders the numbers read: per event, in all, waiting, and that sent ones are counted, not listed", async () => {
    const summary = await summaryFor("shopper");
    if (summary === null) throw new Error("summary missing");
    const html = render(summary);
    expect(html).toContain("Shopper events sent (days in UTC)");
    expect(sentLine(html, "ViewContent")).toEqual(["4", "12,009"]);
    expect(sentLine(html, "AddToCart")).toEqual(["2", "5"]);
    expect(sentLine(html, "InitiateCheckout")).toEqual(["1", "1"]);
    expect(sentLine(html, "Search")).toBeNull();
    expect(sentLine(html, "all")).toEqual(["7", "12,015"]);
    expect(html).toContain("Product views");
    expect(html).toContain('data-funnel-waiting="3">3 shopper events waiting to be sent now.<');
    expect(html).toContain("Sent shopper events are counted, not listed");

    const chosen = await summaryFor("AddToCart");
    if (chosen === null) throw new Error("summary missing");
    const one = render(chosen);
    expect(one).toContain("Adds to cart sent (days in UTC)");
    expect(sentLine(one, "AddToCart")).toEqual(["2", "5"]);
    expect(sentLine(one, "all")).toBeNull();
    expect(one).toContain("3 shopper events waiting to be sent now (of every kind).");
  });
});

// The same reads on each engine: PostgreSQL answers the bigint count as a string, and its partial index serves
// the waiting count. markSent is given the stored ids directly (no shop row is needed to count).
for (const [engine, open] of [
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const) {
  describe(`the summary's reads on ${engine}`, () => {
    const testDb = suiteDatabase(open);

    it("counts what markSent sent and what still waits", async () => {
      const { database } = testDb();
      const shop = `engine-${engine}.myshopify.com`;
      await writeCollected(database, [funnel("AddToCart", "a1", NOW, shop), funnel("AddToCart", "a2", NOW, shop), funnel("Search", "s1", NOW, shop)], NOW);
      const rows = await database.db.selectFrom("funnel_events").select(["id", "event_name"]).where("shop", "=", shop).orderBy("id").execute();
      await createFunnelOutbox(database).markSent(
        rows.filter((row) => row.event_name === "AddToCart").map((row) => Number(row.id)),
        { nowMs: NOW, fbtraceId: null, eventsReceived: 2 },
      );
      expect(await funnelSentCounts(database, shop, TODAY)).toEqual([{ eventName: "AddToCart", day: TODAY, sent: 2 }]);
      expect(await funnelSentCounts(database, shop, utcDay(NOW + DAY_MS))).toEqual([]);
      expect(await readFunnelSummary({ database }, { shop, events: "funnel" }, NOW)).toMatchObject({
        lines: [{ eventName: "AddToCart", today: 2, week: 2 }],
        waiting: 1,
      });
    });
  });
}
