import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_COLUMNS, writeIngests, type IngestWrite } from "../../app/db/ingest-writes.server.ts";
import { createOutbox } from "../../app/db/outbox.server.ts";
import { toNewRecord, type NewDelivery } from "../../app/db/outbox-types.ts";
import { createBatcher } from "../../app/webhooks/ingest-batcher.server.ts";
import type { GetTestDatabase } from "./contract-support.ts";
import { truncateAll, type TestDatabase } from "./support.ts";

const NOW = 1_800_000_000_000;
const SHOP = "shop-a.myshopify.com";
const TOPIC = "orders/paid";

function row(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    shop: SHOP,
    destination: "meta:111",
    eventName: "Purchase",
    eventId: "evt-1",
    provenance: "note_attribute",
    orderId: "5001",
    orderName: "#1001",
    eventTime: Math.floor(NOW / 1000) - 60,
    payload: { event_name: "Purchase", custom_data: { value: 12.5 } },
    matchKeys: ["em"],
    status: "pending",
    nextAttemptAt: NOW,
    ...overrides,
  };
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
      expect(fresh.every(Boolean)).toBe(true);
      expect(await receipts()).toHaveLength(1_201);
      expect(await deliveries()).toHaveLength(1_201);
    });

    it("answers an empty batch with no results", async () => {
      await expect(writeIngests(get().database, [], NOW)).resolves.toEqual([]);
    });
  });
}

/** Runs the contract against one engine, as runStorageContract does: one database per file, emptied per test. */
export function runIngestWritesContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`ingest writes contract: ${name}`, () => {
    let current: TestDatabase | undefined;
    function get(): TestDatabase {
      if (current === undefined) throw new Error("test database not opened");
      return current;
    }
    beforeAll(async () => {
      current = await open();
    });
    afterAll(async () => {
      await current?.cleanup();
    });
    beforeEach(async () => {
      await truncateAll(get().database);
    });

    it("runs on the engine it names", () => {
      expect(get().database.engine).toBe(name);
    });

    ingestWritesContract(get);
  });
}
