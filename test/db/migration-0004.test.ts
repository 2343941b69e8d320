import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../app/db/connection.server";
import { writeIngests, type IngestWrite } from "../../app/db/ingest-writes.server";
import { createMigrationProvider } from "../../app/db/migrations/provider";
import { openTestPostgres, openTestSqlite, type TestDatabase } from "./support";

// Migration 0004 (decision 0015) on a database that predates it: order_events is created and back-filled from
// the deliveries already stored, so an order sent before the upgrade still owns its event id afterwards.

const NOW = 1_800_000_000_000;
const SHOP = "shop-a.myshopify.com";

async function backTo0003(database: Database): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: createMigrationProvider(database.engine) });
  const { error } = await migrator.migrateTo("0003-deliveries-shop-due-index");
  if (error) throw error;
}

function legacyRow(id: { eventId: string; orderId: string | null; destination?: string; createdAt?: number; status?: string }) {
  return {
    shop: SHOP,
    destination: id.destination ?? "meta:111",
    event_name: "Purchase",
    event_id: id.eventId,
    provenance: "note_attribute",
    order_id: id.orderId,
    order_name: null,
    event_time: Math.floor(NOW / 1000),
    payload: null,
    match_keys: "[]",
    status: id.status ?? "sent",
    attempts: 1,
    next_attempt_at: NOW,
    created_at: id.createdAt ?? NOW,
    updated_at: NOW,
  };
}

describe.each([
  ["sqlite", openTestSqlite],
  ["postgres", openTestPostgres],
] as const)("migration 0004 on an existing %s database", (_engine, open) => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  it("back-fills which order owns each event id, and a later order with that id falls back to its own", async () => {
    // GIVEN a database at 0003 with deliveries of two orders (one on two pixels) and an unmappable payload
    test = await open();
    const { database, url } = test;
    await backTo0003(database);
    await sql`insert into deliveries (shop, destination, event_name, event_id, provenance, order_id, order_name, event_time, payload, match_keys, status, attempts, next_attempt_at, created_at, updated_at)
      values ${sql.join(
        [
          legacyRow({ eventId: "cart-id", orderId: "5001", createdAt: NOW - 2_000 }),
          legacyRow({ eventId: "cart-id", orderId: "5001", destination: "meta:222", createdAt: NOW - 1_000 }),
          legacyRow({ eventId: "ck_token", orderId: "5002" }),
          legacyRow({ eventId: "invalid_order_5003", orderId: "5003", status: "dead" }),
        ].map((row) => sql`(${sql.join(Object.values(row))})`),
      )}`.execute(database.db);

    // WHEN the app starts on it (migrations run on open)
    const upgraded = await openDatabase(url, { poolMax: 2 });
    try {
      // THEN each stored order owns its id, with the age of its first row; the unmappable payload claims nothing
      const claims = await upgraded.db.selectFrom("order_events").select(["event_id", "order_id", "created_at", "webhook_id"]).orderBy("event_id").execute();
      expect(claims.map((c) => ({ ...c, created_at: Number(c.created_at) }))).toEqual([
        { event_id: "cart-id", order_id: "5001", created_at: NOW - 2_000, webhook_id: null },
        { event_id: "ck_token", order_id: "5002", created_at: NOW, webhook_id: null },
      ]);
      const kinds = await upgraded.db.selectFrom("deliveries").select("order_kind").execute();
      expect(kinds.filter((row) => row.order_kind !== null)).toEqual([]);

      // AND a new order carrying a migrated id gets an id of its own; a re-delivery of an old order gets nothing
      const write = (webhookId: string, orderId: string, eventId: string): IngestWrite => ({
        shop: SHOP,
        topic: "orders/paid",
        webhookId,
        rows: [{ ...toRow(eventId, orderId) }],
        claim: { eventName: "Purchase", eventId, orderId, fallbackEventId: `order_${orderId}` },
      });
      await writeIngests(upgraded, [write("wh-new", "5009", "cart-id"), write("wh-again", "5002", "ck_token")], NOW);
      const stored = await upgraded.db.selectFrom("deliveries").select(["order_id", "event_id", "provenance"]).where("created_at", "=", NOW).orderBy("id").execute();
      expect(stored.filter((row) => row.order_id === "5009")).toEqual([{ order_id: "5009", event_id: "order_5009", provenance: "collision" }]);
      expect(stored.filter((row) => row.order_id === "5002")).toHaveLength(1);
    } finally {
      await upgraded.close();
    }
  });
});

function toRow(eventId: string, orderId: string) {
  return {
    shop: SHOP,
    destination: "meta:111",
    eventName: "Purchase",
    eventId,
    provenance: "note_attribute" as const,
    orderId,
    orderName: null,
    eventTime: Math.floor(NOW / 1000),
    payload: { event_name: "Purchase", event_id: eventId },
    matchKeys: [],
    status: "pending" as const,
    nextAttemptAt: NOW,
  };
}
