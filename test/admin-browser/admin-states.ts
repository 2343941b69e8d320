import type { AppContext } from "../../app/context.server";
import { adminRequestErrors } from "../admin/admin-schema";
import { createFakeAdmin, settingsDataWithEmbed } from "../admin/fake-admin-graphql";
import { deliveryRow, insertDeliveryRows } from "../support/rows";

// The shop states the admin is looked at in (issue 14): each state is its own shop in one server, seeded
// through the app's own stores. To add a state, add an entry to STATES; every page and width picks it up.

export const PIXEL = "1234567890";
export const TOKEN = "EAA-states-token";
const DAY = 86_400_000;

export type AdminState = {
  name: string;
  shop: string;
  /** The shop's time zone as Shopify's shop query answers it. */
  timeZone: string;
  /** Paid orders Shopify has that never reached Tandem (a broken webhook subscription), placed an hour ago. */
  neverReceived: number;
  seed(app: AppContext, now: number): Promise<void>;
};

type Row = { order: number; status: string; reason?: string | null; ageMs: number; pixel?: string; keys?: string[]; kind?: string | null; provenance?: string };

/** When each seeded real (non-test) order was placed, per shop: what Shopify's ordersCount counts. */
const PLACED = new Map<string, number[]>();

/** Shopify's count of paid, non-test orders created in the search's range (the search order-count.server.ts sends). */
export function shopifyCount(state: AdminState, search: string, now: number): number {
  const from = Date.parse(/created_at:>='([^']+)'/.exec(search)?.[1] ?? "");
  const to = Date.parse(/created_at:<'([^']+)'/.exec(search)?.[1] ?? "");
  const placed = [...(PLACED.get(state.shop) ?? []), ...Array.from({ length: state.neverReceived }, () => now - 3_600_000)];
  return placed.filter((at) => at >= from && at < to).length;
}

async function insertRows(app: AppContext, shop: string, now: number, rows: Row[]): Promise<void> {
  PLACED.set(shop, [...(PLACED.get(shop) ?? []), ...rows.filter((row) => row.reason !== "test_order").map((row) => now - row.ageMs)]);
  const values = rows.map((row) =>
    deliveryRow({
      shop,
      destination: `meta:${row.pixel ?? PIXEL}`,
      event_id: `evt_${shop.slice(0, 6)}_${row.order}`,
      provenance: row.provenance ?? (row.order % 5 === 0 ? "order_id" : "note_attribute"),
      order_id: String(7_000_000 + row.order),
      order_name: `#${1000 + row.order}`,
      event_time: Math.floor((now - row.ageMs) / 1000),
      payload: row.status === "skipped" ? null : JSON.stringify({ event_name: "Purchase", custom_data: { value: 20 + (row.order % 50), currency: "EUR" } }),
      match_keys: JSON.stringify(row.keys ?? (row.order % 3 === 0 ? ["em", "client_user_agent"] : ["em", "ph", "fbp", "fbc", "client_ip_address", "client_user_agent"])),
      status: row.status,
      status_reason: row.reason ?? null,
      attempts: row.status === "pending" ? 0 : 1,
      next_attempt_at: now,
      fbtrace_id: row.status === "sent" || row.status === "dead" ? `Atrace${row.order}` : null,
      events_received: row.status === "sent" ? 1 : null,
      created_at: now - row.ageMs,
      updated_at: now,
      sent_at: row.status === "sent" ? now - row.ageMs + 2_000 : null,
      order_kind: row.kind ?? null,
    }),
  );
  await insertDeliveryRows(app.database.db, values);
}

/**
 * Each order's claim (decision 0015) as the webhook path stores it, with the checkout a browser was at for every
 * order but the no-shopper ones, and the thank-you page's report of its id for two in three of those (decision
 * 0029): one in nine under another id. Health's dedup proof reads these with the rows' statuses.
 */
async function insertClaims(app: AppContext, shop: string, now: number, rows: Row[]): Promise<void> {
  const eventId = (row: Row) => `evt_${shop.slice(0, 6)}_${row.order}`;
  await app.database.db
    .insertInto("order_events")
    .values(
      rows.map((row) => ({
        shop,
        event_name: "Purchase",
        event_id: eventId(row),
        order_id: String(7_000_000 + row.order),
        topic: "orders/paid",
        webhook_id: `wh-${shop.slice(0, 6)}-${row.order}`,
        created_at: now - row.ageMs,
        checkout_token: row.kind === "no_shopper" ? null : `tok${row.order}`,
        browser_event_id: null,
      })),
    )
    .execute();
  const reported = rows.filter((row) => row.kind !== "no_shopper" && row.order % 3 !== 2);
  await app.database.db
    .insertInto("browser_purchase_ids")
    .values(reported.map((row) => ({ shop, checkout_token: `tok${row.order}`, event_id: row.order % 9 === 1 ? `browser_${row.order}` : eventId(row), created_at: now - row.ageMs })))
    .execute();
}

const SHOPPER_EVENTS = ["ViewContent", "AddToCart", "InitiateCheckout", "AddPaymentInfo", "Search"] as const;

/**
 * The collector's shopper events (decision 0028): rows with no order, tens per purchase, all within the last day
 * (sent ones live 24 h, decision 0030), so they are the newest rows of the shop. Every purchase figure must
 * read as if they were not there (decision 0031).
 */
async function insertShopperEvents(app: AppContext, shop: string, now: number, count: number): Promise<void> {
  const values = Array.from({ length: count }, (_, index) => {
    const at = now - 20 * 3_600_000 + index * Math.floor((20 * 3_600_000) / count);
    const status = index % 25 === 3 ? "dead" : "sent";
    return deliveryRow({
      shop,
      destination: `meta:${PIXEL}`,
      event_name: SHOPPER_EVENTS[index % SHOPPER_EVENTS.length],
      event_id: `sh_${index}`,
      provenance: "collector",
      event_time: Math.floor(at / 1000),
      payload: JSON.stringify({ event_name: SHOPPER_EVENTS[index % SHOPPER_EVENTS.length], event_source_url: `https://${shop}/products/item-${index % 40}`, custom_data: {} }),
      match_keys: JSON.stringify(["fbp", "client_ip_address", "client_user_agent"]),
      status,
      status_reason: status === "dead" ? "Meta error 100/2804050: Invalid parameter (fbtrace_id Ashopper)" : null,
      attempts: 1,
      next_attempt_at: now,
      fbtrace_id: `Ash${index}`,
      events_received: status === "sent" ? 1 : null,
      created_at: at,
      updated_at: now,
      sent_at: status === "sent" ? at + 1_000 : null,
    });
  });
  await insertDeliveryRows(app.database.db, values);
}

/**
 * What the funnel outbox leaves of the shopper events it sent since decision 0034: a count per UTC day and event
 * name (funnel_event_counts), no row. Activity shows them above its table when the Events filter picks them.
 */
async function insertSentCounts(app: AppContext, shop: string, now: number): Promise<void> {
  const values = Array.from({ length: 7 }, (_, daysAgo) =>
    SHOPPER_EVENTS.map((eventName, index) => ({
      shop,
      day: new Date(now - daysAgo * DAY).toISOString().slice(0, 10),
      event_name: eventName,
      sent: 1_200 * (index + 1) + daysAgo,
    })),
  ).flat();
  await app.database.db.insertInto("funnel_event_counts").values(values).execute();
}

async function configure(app: AppContext, shop: string, now: number): Promise<void> {
  await app.shops.saveShopConfig(shop, { pixelIds: [PIXEL], accessToken: TOKEN, enabled: true }, now);
}

const BUSY_STATUSES: Array<Pick<Row, "status" | "reason" | "kind">> = [
  { status: "sent" },
  { status: "sent" },
  { status: "sent", kind: "late_payment" },
  { status: "skipped", reason: "no_consent" },
  { status: "sent" },
  { status: "dead", reason: "Meta error 100/2804019: Invalid parameter (fbtrace_id Abusy)" },
  { status: "skipped", reason: "test_order" },
  { status: "retrying", reason: "Meta error 2: Service temporarily unavailable" },
  { status: "sent", kind: "no_shopper" },
  { status: "pending" },
];

export const STATES: AdminState[] = [
  { name: "fresh", shop: "tandem-fresh.myshopify.com", timeZone: "UTC", neverReceived: 0, seed: async () => {} },
  {
    name: "configured",
    shop: "tandem-configured.myshopify.com",
    timeZone: "Europe/Berlin",
    neverReceived: 0,
    async seed(app, now) {
      await configure(app, this.shop, now);
      await insertRows(app, this.shop, now, Array.from({ length: 12 }, (_, order) => ({ order, status: order === 4 ? "skipped" : "sent", reason: order === 4 ? "no_consent" : null, ageMs: (order % 6) * DAY + order * 60_000 })));
    },
  },
  {
    name: "busy",
    shop: "tandem-busy.myshopify.com",
    timeZone: "America/New_York",
    neverReceived: 10,
    async seed(app, now) {
      await configure(app, this.shop, now);
      const rows: Row[] = Array.from({ length: 320 }, (_, order) => ({ order, ...BUSY_STATUSES[order % BUSY_STATUSES.length], ageMs: (order % 28) * DAY + order * 37_000 }));
      await insertRows(app, this.shop, now, rows);
      await insertClaims(app, this.shop, now, rows);
      // The storefront reports shopper events too: ten times the purchases, all newer than most of them.
      await insertShopperEvents(app, this.shop, now, 3_200);
      await insertSentCounts(app, this.shop, now);
    },
  },
  {
    name: "paused",
    shop: "tandem-paused.myshopify.com",
    timeZone: "UTC",
    neverReceived: 0,
    async seed(app, now) {
      await configure(app, this.shop, now);
      await app.shops.markNeedsAttention(this.shop, "Meta error 190/467: Error validating access token: The session has been invalidated because the user changed their password", now - 2 * DAY);
      const rows: Row[] = Array.from({ length: 40 }, (_, order) => ({ order, status: order < 10 ? "sent" : "needs_attention", ageMs: (order % 3) * DAY + order * 60_000 }));
      await insertRows(app, this.shop, now, rows);
      // Web orders with claims, so Health's dedup proof says which of them wait for the merchant's fix.
      await insertClaims(app, this.shop, now, rows);
    },
  },
  {
    name: "expired",
    shop: "tandem-expired.myshopify.com",
    timeZone: "UTC",
    neverReceived: 0,
    async seed(app, now) {
      await configure(app, this.shop, now);
      await insertRows(
        app,
        this.shop,
        now,
        Array.from({ length: 24 }, (_, order) => ({
          order,
          status: "dead",
          reason: "too old: event_time was past Meta's 7-day window when the shop was configured; not sent",
          ageMs: 8 * DAY + order * 3_600_000,
        })),
      );
    },
  },
];

/**
 * One fake Admin API per state shop behind fetch. The shop query (time zone) and ordersCount are answered here
 * per state, after the same schema check the fake applies; everything else goes to the shared fake.
 */
export function interceptAdminFetch(original: typeof fetch, now: () => number): { fetch: typeof fetch; fakes: Map<string, ReturnType<typeof createFakeAdmin>> } {
  const fakes = new Map<string, ReturnType<typeof createFakeAdmin>>();
  let chained = original;
  for (const state of STATES) {
    const fake = createFakeAdmin({ settingsData: settingsDataWithEmbed({ disabled: state.name === "fresh" }) });
    fakes.set(state.shop, fake);
    chained = fake.interceptFetch(state.shop, chained);
  }
  const next = chained;
  const intercepted: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const state = STATES.find((candidate) => url.startsWith(`https://${candidate.shop}/admin/api/`));
    if (state === undefined) return next(input, init);
    const raw = input instanceof Request ? await input.clone().text() : String(init?.body ?? "{}");
    const body = JSON.parse(raw) as { query: string; variables?: Record<string, unknown> };
    const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1];
    if (operation !== "TandemShopContact" && operation !== "TandemOrdersCount") return next(input, init);
    const errors = adminRequestErrors(body.query, body.variables ?? {});
    if (errors.length > 0) return Response.json({ errors: errors.map((message) => ({ message })) });
    if (operation === "TandemShopContact") {
      return Response.json({ data: { shop: { name: state.name, email: `owner@${state.shop}`, ianaTimezone: state.timeZone } } });
    }
    return Response.json({ data: { ordersCount: { count: shopifyCount(state, String(body.variables?.query ?? ""), now()), precision: "EXACT" } } });
  };
  return { fetch: intercepted, fakes };
}
