import { beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_COLUMNS, writeIngests, type IngestWrite } from "../../app/db/ingest-writes.server";
import { createOutbox } from "../../app/db/outbox.server";
import { toNewRecord, type NewDelivery } from "../../app/db/outbox-types";
import { createBatcher } from "../../app/webhooks/ingest-batcher.server";
import { purchaseRow, type GetTestDatabase } from "./contract-support";
import { truncateAll, type TestDatabase } from "./support";
import { suiteDatabase } from "./suite-database";

const NOW = 1_800_000_000_000;
const SHOP = "shop-a.myshopify.com";
const TOPIC = "orders/paid";

function row(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return purchaseRow(NOW, { shop: SHOP, ...overrides });
}

/** One order's write, with its claim: the id it carries and its own fallback, as the webhook path builds it. */
function orderWrite(webhookId: string, orderId: string, eventId: string, opts: { destinations?: string[]; status?: NewDelivery["status"] } = {}): IngestWrite {
  const rows = (opts.destinations ?? ["meta:111"]).map((destination) =>
    row({ destination, eventId, orderId, status: opts.status ?? "pending", payload: opts.status === "skipped" ? null : { event_name: "Purchase", event_id: eventId } }),
  );
  return { shop: SHOP, topic: TOPIC, webhookId, rows, claim: { eventName: "Purchase", eventId, orderId, fallbackEventId: `order_${orderId}` } };
}

function ingest(webhookId: string, rows: NewDelivery[] = [row({ eventId: `evt-${webhookId}` })], overrides: Partial<IngestWrite> = {}): IngestWrite {
  return { shop: SHOP, topic: TOPIC, webhookId, rows, ...overrides };
}

/** writeIngests: the receipts and outbox rows of many webhooks, in one transaction, on every engine. */
export function ingestWritesContract(get: GetTestDatabase): void {
  describe("writeIngests", () => {
    async function receipts() {
      return get().database.db.selectFrom("webhook_receipts").selectAll().orderBy("webhook_id").execute();
    }
    async function deliveries() {
      return get().database.db.selectFrom("deliveries").selectAll().orderBy("event_id").orderBy("destination").execute();
    }

    it("answers true for new webhook ids and stores their receipts and rows", async () => {
      const fresh = await writeIngests(
        get().database,
        [ingest("wh-1"), ingest("wh-2", [row({ eventId: "evt-2", destination: "meta:111" }), row({ eventId: "evt-2", destination: "meta:222" })])],
        NOW,
      );

      expect(fresh).toEqual([true, true]);
      expect(await receipts()).toEqual([
        { shop: SHOP, topic: TOPIC, webhook_id: "wh-1", received_at: NOW },
        { shop: SHOP, topic: TOPIC, webhook_id: "wh-2", received_at: NOW },
      ]);
      const rows = await deliveries();
      expect(rows.map((stored) => [stored.event_id, stored.destination])).toEqual([
        ["evt-2", "meta:111"],
        ["evt-2", "meta:222"],
        ["evt-wh-1", "meta:111"],
      ]);
      expect(rows[0]).toMatchObject({ shop: SHOP, status: "pending", attempts: 0, created_at: NOW, updated_at: NOW, next_attempt_at: NOW });
      expect(JSON.parse(rows[0]?.payload ?? "null")).toEqual({ event_name: "Purchase", custom_data: { value: 12.5 } });
    });

    it("stores every column exactly as the outbox's own enqueue does (the hand-written column list is complete)", async () => {
      const sample = row({ eventId: "evt-same", statusReason: "why", orderName: "#7" });
      await writeIngests(get().database, [ingest("wh-same", [sample])], NOW);
      await createOutbox(get().database).enqueue([{ ...sample, eventId: "evt-same-2" }], NOW);

      const [viaIngest, viaEnqueue] = await deliveries();
      const { id: _a, event_id: _b, ...fromIngest } = viaIngest ?? ({} as Record<string, unknown>);
      const { id: _c, event_id: _d, ...fromEnqueue } = viaEnqueue ?? ({} as Record<string, unknown>);
      expect(fromIngest).toEqual(fromEnqueue);
      expect(Object.keys(toNewRecord(sample, NOW)).sort()).toEqual([...DELIVERY_COLUMNS].sort());
    });

    it("answers false for a webhook id stored by an earlier call, and stores nothing new", async () => {
      await writeIngests(get().database, [ingest("wh-1")], NOW);

      // A re-delivery, even one whose rows differ, is recognised by its webhook id alone.
      const fresh = await writeIngests(get().database, [ingest("wh-1", [row({ eventId: "evt-other" })])], NOW + 1_000);

      expect(fresh).toEqual([false]);
      expect(await receipts()).toEqual([{ shop: SHOP, topic: TOPIC, webhook_id: "wh-1", received_at: NOW }]);
      expect((await deliveries()).map((stored) => stored.event_id)).toEqual(["evt-wh-1"]);
    });

    it("answers [true, false] for the same webhook id twice in one batch, and stores it once", async () => {
      const fresh = await writeIngests(get().database, [ingest("wh-1"), ingest("wh-1", [row({ eventId: "evt-repeat" })])], NOW);

      expect(fresh).toEqual([true, false]);
      expect(await receipts()).toHaveLength(1);
      expect((await deliveries()).map((stored) => stored.event_id)).toEqual(["evt-wh-1"]);
    });

    it("answers false to both copies when a batch repeats a webhook id stored earlier", async () => {
      await writeIngests(get().database, [ingest("wh-1")], NOW);

      expect(await writeIngests(get().database, [ingest("wh-1"), ingest("wh-2"), ingest("wh-1")], NOW)).toEqual([false, true, false]);
      expect(await receipts()).toHaveLength(2);
    });

    it("keeps ONE delivery row for the same order under two new webhook ids in one batch", async () => {
      const order = [row({ eventId: "evt-order-5001" })];

      const fresh = await writeIngests(get().database, [ingest("wh-1", order), ingest("wh-2", order)], NOW);

      expect(fresh).toEqual([true, true]);
      expect(await receipts()).toHaveLength(2);
      expect((await deliveries()).map((stored) => stored.event_id)).toEqual(["evt-order-5001"]);
    });

    it("treats the same webhook id for another shop or topic as a different receipt", async () => {
      const fresh = await writeIngests(
        get().database,
        [ingest("wh-1"), ingest("wh-1", [], { shop: "shop-b.myshopify.com" }), ingest("wh-1", [], { topic: "app/uninstalled" })],
        NOW,
      );

      expect(fresh).toEqual([true, true, true]);
      expect(await receipts()).toHaveLength(3);
    });

    it("rolls the receipts back when a row cannot be stored, so a retry succeeds", async () => {
      // GIVEN a batch whose second webhook carries a row that violates a NOT NULL column
      const broken = row({ eventId: "evt-broken", eventName: null as unknown as string });
      await expect(writeIngests(get().database, [ingest("wh-1"), ingest("wh-2", [broken])], NOW)).rejects.toThrow();

      // THEN nothing of the batch was kept: neither webhook would be dropped as a duplicate on retry
      expect(await receipts()).toEqual([]);
      expect(await deliveries()).toEqual([]);
      // AND Shopify's retries are stored in full
      expect(await writeIngests(get().database, [ingest("wh-1"), ingest("wh-2", [row({ eventId: "evt-broken" })])], NOW + 1_000)).toEqual([true, true]);
      expect((await receipts()).map((receipt) => receipt.webhook_id)).toEqual(["wh-1", "wh-2"]);
      expect((await deliveries()).map((stored) => stored.event_id)).toEqual(["evt-broken", "evt-wh-1"]);
    });

    it("behind the batcher, a write that cannot be stored fails alone and its neighbours are stored", async () => {
      const batcher = createBatcher((writes: readonly IngestWrite[]) => writeIngests(get().database, writes, NOW));
      const broken = row({ eventId: "evt-broken", eventName: null as unknown as string });

      const [first, bad, last] = await Promise.allSettled([
        batcher.submit(ingest("wh-1")),
        batcher.submit(ingest("wh-2", [broken])),
        batcher.submit(ingest("wh-3")),
      ]);

      expect(first).toEqual({ status: "fulfilled", value: true });
      expect(bad.status).toBe("rejected");
      expect(last).toEqual({ status: "fulfilled", value: true });
      expect((await receipts()).map((receipt) => receipt.webhook_id)).toEqual(["wh-1", "wh-3"]);
      expect((await deliveries()).map((stored) => stored.event_id)).toEqual(["evt-wh-1", "evt-wh-3"]);
    });

    it("stores a batch larger than one insert statement", async () => {
      const writes = Array.from({ length: 1_201 }, (_, index) => ingest(`wh-${index}`));

      const fresh = await writeIngests(get().database, writes, NOW);

      expect(fresh).toHaveLength(1_201);
      expect(fresh.filter((isFresh) => !isFresh)).toEqual([]);
      expect(await receipts()).toHaveLength(1_201);
      expect(await deliveries()).toHaveLength(1_201);
    });

    describe("an event id belongs to exactly one order (decision 0015)", () => {
      async function events() {
        const rows = await deliveries();
        return rows.map((stored) => ({
          orderId: stored.order_id,
          eventId: stored.event_id,
          provenance: stored.provenance,
          destination: stored.destination,
          payloadEventId: stored.payload === null ? null : (JSON.parse(stored.payload) as { event_id?: string }).event_id,
        }));
      }
      async function claims() {
        return get().database.db.selectFrom("order_events").select(["event_id", "order_id", "webhook_id"]).orderBy("event_id").execute();
      }

      it("gives a second order carrying a claimed id its own id, provenance collision, on every destination", async () => {
        await writeIngests(get().database, [orderWrite("wh-1", "5001", "shared-id", { destinations: ["meta:111", "meta:222"] })], NOW);

        const fresh = await writeIngests(get().database, [orderWrite("wh-2", "5002", "shared-id", { destinations: ["meta:111", "meta:222"] })], NOW);

        expect(fresh).toEqual([true]);
        expect(await events()).toEqual([
          { orderId: "5002", eventId: "order_5002", provenance: "collision", destination: "meta:111", payloadEventId: "order_5002" },
          { orderId: "5002", eventId: "order_5002", provenance: "collision", destination: "meta:222", payloadEventId: "order_5002" },
          { orderId: "5001", eventId: "shared-id", provenance: "note_attribute", destination: "meta:111", payloadEventId: "shared-id" },
          { orderId: "5001", eventId: "shared-id", provenance: "note_attribute", destination: "meta:222", payloadEventId: "shared-id" },
        ]);
        expect(await claims()).toEqual([
          { event_id: "order_5002", order_id: "5002", webhook_id: "wh-2" },
          { event_id: "shared-id", order_id: "5001", webhook_id: "wh-1" },
        ]);
      });

      it("resolves the collision inside one batch: the first order keeps the id, the second falls back", async () => {
        const fresh = await writeIngests(get().database, [orderWrite("wh-1", "5001", "shared-id"), orderWrite("wh-2", "5002", "shared-id")], NOW);

        expect(fresh).toEqual([true, true]);
        expect((await events()).map((event) => [event.orderId, event.eventId, event.provenance])).toEqual([
          ["5002", "order_5002", "collision"],
          ["5001", "shared-id", "note_attribute"],
        ]);
      });

      it("stores nothing new for the same order under a new webhook id, even when it carries another id", async () => {
        await writeIngests(get().database, [orderWrite("wh-1", "5001", "cart-id")], NOW);

        const fresh = await writeIngests(get().database, [orderWrite("wh-2", "5001", "cart-id"), orderWrite("wh-3", "5001", "ck_other-token")], NOW);

        expect(fresh).toEqual([true, true]);
        expect((await events()).map((event) => event.eventId)).toEqual(["cart-id"]);
        expect(await claims()).toHaveLength(1);
      });

      it("gives one event to an order arriving twice in one batch with two different ids", async () => {
        await writeIngests(get().database, [orderWrite("wh-1", "5001", "cart-id"), orderWrite("wh-2", "5001", "ck_token")], NOW);

        expect((await events()).map((event) => [event.orderId, event.eventId])).toEqual([["5001", "cart-id"]]);
      });

      it("does not lose a consented order whose id a skipped order already owns", async () => {
        await writeIngests(get().database, [orderWrite("wh-1", "5001", "shared-id", { status: "skipped" })], NOW);

        await writeIngests(get().database, [orderWrite("wh-2", "5002", "shared-id")], NOW);

        const stored = await deliveries();
        expect(stored.map((r) => [r.order_id, r.event_id, r.status])).toEqual([
          ["5002", "order_5002", "pending"],
          ["5001", "shared-id", "skipped"],
        ]);
      });

      it("keeps rows without a claim (unmappable payloads) as before", async () => {
        await writeIngests(get().database, [ingest("wh-bad", [row({ eventId: "invalid_order_9", orderId: "9", status: "dead", payload: null })])], NOW);

        expect((await deliveries()).map((r) => r.event_id)).toEqual(["invalid_order_9"]);
        expect(await claims()).toEqual([]);
      });

      it("is race-safe: concurrent writes of many orders sharing one id give each order exactly one event", async () => {
        // GIVEN 12 orders with the same id and 12 re-deliveries of them, written concurrently (on PostgreSQL each
        // call takes its own pooled connection, so the statements really overlap)
        const writes = Array.from({ length: 12 }, (_, n) => orderWrite(`wh-${n}`, String(6000 + n), "shared-id"));
        const again = Array.from({ length: 12 }, (_, n) => orderWrite(`wh-again-${n}`, String(6000 + n), "shared-id"));
        await Promise.all([...writes, ...again].map((write) => writeIngests(get().database, [write], NOW)));

        // THEN every order has one event; one of them owns the shared id, the others their own
        const stored = await events();
        expect(stored).toHaveLength(12);
        expect(new Set(stored.map((event) => event.orderId)).size).toBe(12);
        expect(stored.filter((event) => event.eventId === "shared-id")).toHaveLength(1);
        for (const event of stored.filter((e) => e.eventId !== "shared-id")) {
          expect(event).toMatchObject({ eventId: `order_${event.orderId}`, provenance: "collision", payloadEventId: `order_${event.orderId}` });
        }
      });
    });

    it("answers an empty batch with no results", async () => {
      await expect(writeIngests(get().database, [], NOW)).resolves.toEqual([]);
    });
  });
}

/** Runs the contract against one engine, as runStorageContract does: one database per file, emptied per test. */
export function runIngestWritesContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`ingest writes contract: ${name}`, () => {
    const get = suiteDatabase(open);
    beforeEach(async () => {
      await truncateAll(get().database);
    });

    it("runs on the engine it names", () => {
      expect(get().database.engine).toBe(name);
    });

    ingestWritesContract(get);
  });
}
