import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAlertChecker, type AlertChecker } from "../../app/alerts/check.server";
import { createSmtpMailer } from "../../app/alerts/mailer.server";
import { createAlertLog, type AlertLog } from "../../app/db/alerts.server";
import { createOutbox, type Outbox } from "../../app/db/outbox.server";
import { createShopStore, type ShopStore } from "../../app/db/shops.server";
import { createAppContext } from "../../app/context.server";
import { parseEnv } from "../../app/env.server";
import { createFakeAdmin } from "../admin/fake-admin-graphql";
import { TEST_KEY } from "../db/contract-support";
import { openTestSqlite, type TestDatabase } from "../db/support";
import { closedPort, recordingLogger, startSmtp, type ReceivedEmail } from "./support";

// Alert emails end to end on this machine: the real check, nodemailer talking to a real SMTP server on
// loopback, the real Shopify library's admin client talking to the Admin API fake, a real SQLite database.

const SHOP = "alert-shop.myshopify.com";
const CAPI_TOKEN = "EAAB-very-secret-capi-token";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 10:00 in New York on 28 Nov 2026: 27 Nov is a completed day there.
const NOW = Date.parse("2026-11-28T15:00:00Z");
const NY_27_START = Date.parse("2026-11-27T05:00:00Z");
const TOKEN_CAUSE = "Meta error 190/463: Error validating access token: Session has expired";

let db: TestDatabase;
let shops: ShopStore;
let outbox: Outbox;
let alertLog: AlertLog;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let fake: ReturnType<typeof createFakeAdmin>;

function checker(smtpUrl: string, logger = recordingLogger().logger): AlertChecker {
  return createAlertChecker({
    shops,
    outbox,
    alertLog,
    mailer: createSmtpMailer({ smtpUrl, from: "Tandem <alerts@tandem.example>", timeoutMs: 5_000 }),
    logger,
    adminFor: async () => fake.graphql,
    apiKey: "tandem-client-id",
  });
}

async function configure(installedAt: number): Promise<void> {
  await shops.saveShopConfig(SHOP, { pixelIds: ["111111", "222222"], accessToken: CAPI_TOKEN }, installedAt);
}

function only(received: ReceivedEmail[]): ReceivedEmail {
  expect(received).toHaveLength(1);
  return received[0] as ReceivedEmail;
}

beforeEach(async () => {
  db = await openTestSqlite();
  shops = createShopStore(db.database, [TEST_KEY]);
  outbox = createOutbox(db.database);
  alertLog = createAlertLog(db.database);
  smtp = await startSmtp();
  fake = createFakeAdmin({ shop: { name: "Alert Shop", email: "owner@alert-shop.example", ianaTimezone: "America/New_York" } });
});

afterEach(async () => {
  await smtp.close();
  await db.cleanup();
});

describe("alert emails for pauses", () => {
  it("emails a token pause once a day, in plain words with the deadline and a link, and never the token", async () => {
    // GIVEN a shop paused by a refused token, with purchases waiting
    await configure(NOW - 30 * DAY);
    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, NOW - 2 * HOUR);
    const alerts = checker(smtp.url);

    // WHEN the check runs twice the same day
    expect(await alerts.run(NOW)).toEqual({ sent: 1, failed: 0, skippedShops: 0 });
    expect(await alerts.run(NOW + HOUR)).toEqual({ sent: 0, failed: 0, skippedShops: 0 });

    // THEN one email went to the shop owner
    const email = only(smtp.received);
    expect(email.to).toEqual(["owner@alert-shop.example"]);
    expect(email.subject).toBe("Action needed: Alert Shop's purchases are not reaching Meta");
    expect(email.text).toContain("Meta has refused the Conversions API access token that Tandem uses for alert-shop.myshopify.com");
    // Paused 2 hours before NOW (08:00 New York time), nothing waits yet: 7 days from the pause.
    expect(email.text).toContain("Fix this by Dec 5, 2026, 8:00 AM EST");
    expect(email.text).toContain("https://admin.shopify.com/store/alert-shop/apps/tandem-client-id/app/settings");
    expect(email.raw).not.toContain(CAPI_TOKEN);
    expect(email.raw).not.toContain(smtp.url.split("@")[0]?.split(":")[2] ?? "never");
    expect(await alertLog.list(SHOP)).toEqual([{ shop: SHOP, cause: "shop_paused", day: "2026-11-28", status: "sent", at: NOW }]);

    // AND the next day, while the pause lasts, a reminder
    await alerts.run(NOW + DAY);
    expect(smtp.received).toHaveLength(2);
  });

  it("sends another email for a new cause the same day, and uses the alert email when one is set", async () => {
    await configure(NOW - 30 * DAY);
    await shops.saveShopConfig(SHOP, { alertEmail: "ops@alert-shop.example" }, NOW - 30 * DAY);
    await shops.pauseDestination(SHOP, "meta:222222", "Meta error 100/33: Unsupported post request", NOW - HOUR);
    const alerts = checker(smtp.url);
    await alerts.run(NOW);
    expect(only(smtp.received)).toMatchObject({ to: ["ops@alert-shop.example"], subject: "Action needed: Meta refuses purchases for pixel 222222 (Alert Shop)" });

    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, NOW + HOUR);
    await alerts.run(NOW + 2 * HOUR);
    expect(smtp.received.map((email) => email.subject)).toEqual([
      "Action needed: Meta refuses purchases for pixel 222222 (Alert Shop)",
      "Action needed: Alert Shop's purchases are not reaching Meta",
    ]);
  });

  it("says the deadline of the oldest waiting purchase, and when it has passed", async () => {
    await configure(NOW - 30 * DAY);
    await outbox.enqueue([
      { shop: SHOP, destination: "meta:111111", eventName: "Purchase", eventId: "ev-old", provenance: "order_id", orderId: "1", orderName: "#1", eventTime: Math.floor((NOW - 8 * DAY) / 1000), payload: null, matchKeys: [], status: "pending", nextAttemptAt: 0 },
    ], NOW);
    await db.database.db.updateTable("deliveries").set({ status: "needs_attention" }).execute();
    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, NOW - 2 * HOUR);
    await checker(smtp.url).run(NOW);
    const email = only(smtp.received);
    expect(email.text).toContain("1 purchase is waiting");
    expect(email.text).toContain("Deadline passed");
  });

  it("sends nothing when SMTP_URL is unset: the app context starts no alert check", async () => {
    const base = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", TOKEN_ENCRYPTION_KEY: TEST_KEY.toString("base64"), DATABASE_URL: db.url, LOG_LEVEL: "silent", WORKER: "off" };
    await configure(NOW - 30 * DAY);
    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, Date.now());

    const off = await createAppContext(parseEnv(base), { startWorker: false, alerts: { adminFor: async () => fake.graphql } });
    expect(off.alerts).toBeNull();
    await off.close();

    // The same context with SMTP_URL set does send: the switch is the variable.
    const on = await createAppContext(parseEnv({ ...base, SMTP_URL: smtp.url }), { startWorker: false, alerts: { adminFor: async () => fake.graphql } });
    expect(await on.alerts?.runNow()).toMatchObject({ sent: 1 });
    await on.close();
    expect(only(smtp.received).from).toBe("tandem@localhost");
  });

  it("logs an SMTP server that is down, keeps no record, and sends at the next check", async () => {
    await configure(NOW - 30 * DAY);
    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, NOW - HOUR);
    const port = await closedPort();
    const { logger, lines } = recordingLogger();
    const alerts = checker(`smtp://alerts:smtp-secret-pw@127.0.0.1:${port}`, logger);

    expect(await alerts.run(NOW)).toEqual({ sent: 0, failed: 1, skippedShops: 0 });
    const warning = lines.find((line) => line.msg === "alerts: sending the email failed; the next check tries again");
    expect(warning).toMatchObject({ shop: SHOP, cause: "shop_paused" });
    expect(JSON.stringify(lines)).not.toContain("smtp-secret-pw");
    expect(await alertLog.list(SHOP)).toEqual([]);

    const revived = await startSmtp(port);
    try {
      expect(await alerts.run(NOW + HOUR)).toEqual({ sent: 1, failed: 0, skippedShops: 0 });
      expect(only(revived.received).subject).toContain("not reaching Meta");
    } finally {
      await revived.close();
    }
  });

  it("skips a shop whose Admin API cannot be reached, logs it, and checks it again next time", async () => {
    await configure(NOW - 30 * DAY);
    await shops.markNeedsAttention(SHOP, TOKEN_CAUSE, NOW - HOUR);
    fake.state.outage = 503;
    const { logger, lines } = recordingLogger();
    const alerts = checker(smtp.url, logger);
    expect(await alerts.run(NOW)).toEqual({ sent: 0, failed: 0, skippedShops: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ msg: "alerts: could not read the shop's email and time zone" }));
    fake.state.outage = null;
    expect(await alerts.run(NOW + HOUR)).toMatchObject({ sent: 1 });
  });
});

describe("alert emails for a day well below Shopify's order count", () => {
  async function deliveriesOn27th(sent: number, skipped: number, dead: number): Promise<void> {
    const rows = [
      ...Array.from({ length: sent }, () => "sent"),
      ...Array.from({ length: skipped }, () => "skipped"),
      ...Array.from({ length: dead }, () => "dead"),
    ].map((status, i) => ({
      shop: SHOP,
      destination: "meta:111111",
      eventName: "Purchase",
      eventId: `ev-${i}`,
      provenance: "order_id" as const,
      orderId: String(1000 + i),
      orderName: `#${1000 + i}`,
      eventTime: Math.floor((NY_27_START + (i + 1) * 60_000) / 1000),
      payload: null,
      matchKeys: [],
      status: (status === "skipped" ? "skipped" : "pending") as "skipped" | "pending",
      nextAttemptAt: 0,
      wanted: status,
    }));
    await outbox.enqueue(rows.map(({ wanted: _wanted, ...row }) => row), NOW);
    for (const wanted of ["sent", "dead"]) {
      const ids = rows.filter((row) => row.wanted === wanted).map((row) => row.orderId);
      if (ids.length > 0) await db.database.db.updateTable("deliveries").set({ status: wanted }).where("order_id", "in", ids).execute();
    }
  }

  it("emails once when delivered + skipped fall below 80% of Shopify's paid orders for yesterday in the shop's time zone", async () => {
    await configure(NOW - 30 * DAY);
    fake.state.ordersCount = () => 20;
    await deliveriesOn27th(10, 3, 5);
    const alerts = checker(smtp.url);

    expect(await alerts.run(NOW)).toEqual({ sent: 1, failed: 0, skippedShops: 0 });
    const counts = fake.state.calls.filter((call) => call.operation === "TandemOrdersCount");
    expect(counts).toEqual([
      {
        operation: "TandemOrdersCount",
        variables: {
          query:
            "created_at:>='2026-11-27T05:00:00Z' created_at:<'2026-11-28T05:00:00Z' test:false " +
            "(financial_status:paid OR financial_status:partially_paid OR financial_status:partially_refunded OR financial_status:refunded)",
        },
      },
    ]);
    expect(fake.state.refused).toEqual([]);
    const email = only(smtp.received);
    expect(email.subject).toBe("Alert Shop: Meta received fewer purchases than Shopify recorded on 2026-11-27");
    expect(email.text).toContain("Shopify recorded 20 paid orders for alert-shop.myshopify.com");
    expect(email.text).toContain("Tandem sent 10 of them to Meta and skipped 3 on purpose");
    expect(email.text).toContain("65% accounted for");
    expect(email.text).toContain("18 orders from that day reached Tandem");
    expect(email.text).toContain("https://admin.shopify.com/store/alert-shop/apps/tandem-client-id/app/activity");

    // A later check neither asks Shopify again nor emails again.
    await alerts.run(NOW + HOUR);
    expect(smtp.received).toHaveLength(1);
    expect(fake.state.calls.filter((call) => call.operation === "TandemOrdersCount")).toHaveLength(1);
  });

  it("sends nothing when 80% or more are accounted for, and does not ask Shopify again that day", async () => {
    await configure(NOW - 30 * DAY);
    fake.state.ordersCount = () => 20;
    await deliveriesOn27th(12, 4, 4);
    const alerts = checker(smtp.url);
    expect(await alerts.run(NOW)).toEqual({ sent: 0, failed: 0, skippedShops: 0 });
    await alerts.run(NOW + HOUR);
    expect(smtp.received).toEqual([]);
    expect(fake.state.calls.filter((call) => call.operation === "TandemOrdersCount")).toHaveLength(1);
    expect(await alertLog.list(SHOP)).toMatchObject([{ cause: "deliveries_low", day: "2026-11-27", status: "checked" }]);
  });

  it("says nothing about a quiet day, a day Tandem was installed during, or yesterday before 03:00 shop time", async () => {
    fake.state.ordersCount = () => 9;
    await configure(NOW - 30 * DAY);
    await checker(smtp.url).run(NOW);
    expect(smtp.received).toEqual([]);

    fake.state.ordersCount = () => 50;
    await db.database.db.deleteFrom("alert_log" as never).execute();
    const early = Date.parse("2026-11-28T07:30:00Z"); // 02:30 in New York
    await checker(smtp.url).run(early);
    expect(await alertLog.list(SHOP)).toEqual([]);
    await shops.deleteShop(SHOP);
    await configure(NY_27_START + HOUR);
    await db.database.db.deleteFrom("alert_log" as never).execute();
    await checker(smtp.url).run(NOW);
    expect(smtp.received).toEqual([]);
    expect(fake.state.calls.filter((call) => call.operation === "TandemOrdersCount")).toHaveLength(1);
  });
});
