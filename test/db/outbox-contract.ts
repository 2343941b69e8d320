import { beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../app/db/connection.server";
import { deleteFinishedSpan, deleteShopChunk, forEachSpan, purgeFinishedPayloadSpan, redriveSpan, type RedriveFilter, type Span } from "../../app/db/bulk-writes.server";
import { decodeDeliveryCursor } from "../../app/db/delivery-pages.server";
import { createOutbox, type Outbox } from "../../app/db/outbox.server";
import { META_EVENT_WINDOW_MS as META_MAX_EVENT_AGE_MS } from "../../app/destinations/meta/event-window";
import type { NewDelivery } from "../../app/db/outbox-types";
import { createShopStore } from "../../app/db/shops.server";
import { CANCELLED_BEFORE_SENDING, skipUnsentOrderEvent } from "../../app/db/outbox-cancel.server";
import { purchaseRow, TEST_KEY, type GetTestDatabase } from "./contract-support";

const NOW = 1_800_000_000_000;
const SHOP_A = "shop-a.myshopify.com";
const SHOP_B = "shop-b.myshopify.com";

function delivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return purchaseRow(NOW, {
    shop: SHOP_A,
    payload: { event_name: "Purchase", user_data: { em: ["a".repeat(64)] }, custom_data: { value: 12.5 } },
    matchKeys: ["em", "fbp"],
    ...overrides,
  });
}

function many(count: number, overrides: Partial<NewDelivery> = {}, offsetMs = 0): NewDelivery[] {
  return Array.from({ length: count }, (_, index) =>
    delivery({ eventId: `${overrides.shop ?? SHOP_A}-evt-${index}`, nextAttemptAt: NOW - offsetMs + index, ...overrides }),
  );
}

export function outboxContract(get: GetTestDatabase): void {
  describe("outbox", () => {
    let outbox: Outbox;
    beforeEach(async () => {
      outbox = createOutbox(get().database);
      const shops = createShopStore(get().database, [TEST_KEY]);
      await shops.saveShopConfig(SHOP_A, { pixelIds: ["111"] }, NOW);
      await shops.saveShopConfig(SHOP_B, { pixelIds: ["222"] }, NOW);
    });

    // The bulk passes the maintenance loop runs (app/db/bulk-writes), over every span of ids.
    async function overSpans(work: (span: Span) => Promise<number>): Promise<number> {
      let total = 0;
      await forEachSpan(get().database, async (span) => ((total += await work(span)), true), async () => {});
      return total;
    }

    function redriveAll(filter: RedriveFilter, nowMs: number): Promise<number> {
      return overSpans((span) => redriveSpan(get().database, span, filter, nowMs));
    }

    async function claim(limit = 10, nowMs = NOW, owner = "worker-1", perShopLimit?: number) {
      return outbox.claimDue({ nowMs, limit, owner, leaseMs: 30_000, perShopLimit });
    }

    it("enqueues once per (shop, destination, event name, event id)", async () => {
      await expect(outbox.enqueue([delivery()], NOW)).resolves.toEqual({ inserted: 1 });
      await expect(outbox.enqueue([delivery({ payload: { changed: true } })], NOW)).resolves.toEqual({ inserted: 0 });
      await expect(outbox.enqueue([delivery(), delivery({ destination: "meta:999" })], NOW)).resolves.toEqual({ inserted: 1 });
      const { rows } = await outbox.list({ limit: 10 });
      expect(rows).toHaveLength(2);
      expect(rows.find((row) => row.destination === "meta:111")?.payload).not.toHaveProperty("changed");
    });

    it("stores rows without a payload (skipped) as null", async () => {
      await outbox.enqueue([delivery({ status: "skipped", statusReason: "no_consent", payload: null })], NOW);
      const [row] = (await outbox.list({ limit: 1 })).rows;
      expect(row).toMatchObject({ status: "skipped", statusReason: "no_consent", payload: null });
    });

    it("enqueues large batches in chunks", async () => {
      await expect(outbox.enqueue(many(1200), NOW)).resolves.toEqual({ inserted: 1200 });
      expect((await outbox.countByStatus()).pending).toBe(1200);
    });

    it("returns rows in camelCase with payload and match keys parsed", async () => {
      await outbox.enqueue([delivery()], NOW);
      const [row] = await claim();
      expect(row).toMatchObject({
        shop: SHOP_A,
        destination: "meta:111",
        eventName: "Purchase",
        eventId: "evt-1",
        provenance: "note_attribute",
        orderId: "5001",
        orderName: "#1001",
        eventTime: Math.floor(NOW / 1000) - 60,
        payload: delivery().payload,
        matchKeys: ["em", "fbp"],
        status: "pending",
        attempts: 0,
        leaseOwner: "worker-1",
        leaseUntil: NOW + 30_000,
        createdAt: NOW,
        sentAt: null,
      });
      expect(typeof row?.id).toBe("number");
      await expect(outbox.get(row?.id ?? -1)).resolves.toMatchObject({ eventId: "evt-1" });
      await expect(outbox.get(987654)).resolves.toBeNull();
    });

    it("claims only due pending/retrying rows, oldest first, and leases them", async () => {
      await outbox.enqueue(
        [
          delivery({ eventId: "later", nextAttemptAt: NOW + 1000 }),
          delivery({ eventId: "second", nextAttemptAt: NOW - 10 }),
          delivery({ eventId: "first", nextAttemptAt: NOW - 20 }),
          delivery({ eventId: "held", status: "held" }),
          delivery({ eventId: "skipped", status: "skipped" }),
          delivery({ eventId: "dead", status: "dead" }),
        ],
        NOW,
      );
      const claimed = await claim();
      expect(claimed.map((row) => row.eventId)).toEqual(["first", "second"]);
      // A live lease hides the rows from the next claim.
      await expect(claim(10, NOW + 1, "worker-2")).resolves.toEqual([]);
    });

    it("reclaims a row whose lease expired (the worker died)", async () => {
      await outbox.enqueue([delivery()], NOW);
      const [first] = await claim(10, NOW, "worker-1");
      await expect(claim(10, NOW + 29_999, "worker-2")).resolves.toEqual([]);
      const [again] = await claim(10, NOW + 30_001, "worker-2");
      expect(again?.id).toBe(first?.id);
      expect(again?.leaseOwner).toBe("worker-2");
    });

    it("does not claim rows of shops that need attention, are disabled or unknown", async () => {
      const shops = createShopStore(get().database, [TEST_KEY]);
      await outbox.enqueue(
        [delivery({ shop: SHOP_A, eventId: "a" }), delivery({ shop: SHOP_B, eventId: "b" }), delivery({ shop: "ghost.myshopify.com", eventId: "g" })],
        NOW,
      );
      await shops.markNeedsAttention(SHOP_A, "meta_token_invalid", NOW);
      await shops.saveShopConfig(SHOP_B, { enabled: false }, NOW);
      await expect(claim()).resolves.toEqual([]);
      await shops.clearNeedsAttention(SHOP_A);
      expect((await claim()).map((row) => row.eventId)).toEqual(["a"]);
    });

    it("caps rows per shop when perShopLimit is given", async () => {
      await outbox.enqueue([...many(10, { shop: SHOP_A }, 1000), ...many(2, { shop: SHOP_B })], NOW);
      const claimed = await claim(4, NOW + 100, "w", 2);
      expect(claimed.filter((row) => row.shop === SHOP_A)).toHaveLength(2);
      expect(claimed.filter((row) => row.shop === SHOP_B)).toHaveLength(2);
    });

    it("shares a claim round-robin across shops by default, but fills it from one shop's backlog", async () => {
      // GIVEN shop A has an old backlog of 10 and shop B two newer rows
      await outbox.enqueue([...many(10, { shop: SHOP_A }, 1000), ...many(2, { shop: SHOP_B })], NOW);
      // WHEN a worker claims 4 (share = 1 per shop per round)
      const claimed = await claim(4, NOW + 100);
      // THEN shop B is not starved by A's older backlog
      expect(claimed.filter((row) => row.shop === SHOP_B)).toHaveLength(2);
      expect(claimed.filter((row) => row.shop === SHOP_A).map((row) => row.eventId)).toEqual([`${SHOP_A}-evt-0`, `${SHOP_A}-evt-1`]);
      // AND a later claim can take the rest of A's backlog in one go
      const rest = await claim(20, NOW + 100);
      expect(rest).toHaveLength(8);
    });

    it("never gives the same row to two workers claiming in parallel", async () => {
      const second = await openDatabase(get().url);
      try {
        const other = createOutbox(second);
        await outbox.enqueue([...many(150, { shop: SHOP_A }), ...many(150, { shop: SHOP_B })], NOW);
        const seen: number[] = [];
        for (let round = 0; round < 20 && seen.length < 300; round += 1) {
          const [a, b] = await Promise.all([
            outbox.claimDue({ nowMs: NOW + 1000, limit: 25, owner: "worker-a", leaseMs: 60_000 }),
            other.claimDue({ nowMs: NOW + 1000, limit: 25, owner: "worker-b", leaseMs: 60_000 }),
          ]);
          seen.push(...a.map((row) => row.id), ...b.map((row) => row.id));
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toHaveLength(300);
      } finally {
        await second.close();
      }
    });

    it("records a sent row with Meta's trace id and clears the lease", async () => {
      await outbox.enqueue([delivery()], NOW);
      const [row] = await claim();
      await outbox.markSent([row?.id ?? -1], { nowMs: NOW + 5, fbtraceId: "AbCdEf", eventsReceived: 1 });
      expect(await outbox.get(row?.id ?? -1)).toMatchObject({
        status: "sent",
        attempts: 1,
        fbtraceId: "AbCdEf",
        eventsReceived: 1,
        sentAt: NOW + 5,
        leaseOwner: null,
        leaseUntil: null,
      });
      await expect(claim(10, NOW + 100_000)).resolves.toEqual([]);
    });

    it("retries a row at its next attempt time", async () => {
      await outbox.enqueue([delivery()], NOW);
      const [row] = await claim();
      const id = row?.id ?? -1;
      await expect(outbox.markRetry([id], { owner: "worker-1", nowMs: NOW + 5, nextAttemptAt: NOW + 60_000, reason: "http_503" })).resolves.toBe(1);
      expect(await outbox.get(id)).toMatchObject({ status: "retrying", statusReason: "http_503", attempts: 1, leaseOwner: null, nextAttemptAt: NOW + 60_000 });
      await expect(claim(10, NOW + 59_999)).resolves.toEqual([]);
      expect((await claim(10, NOW + 60_000)).map((claimed) => claimed.id)).toEqual([id]);
    });

    it("marks dead and needs-attention rows, which are no longer claimed", async () => {
      await outbox.enqueue([delivery({ eventId: "x" }), delivery({ eventId: "y" })], NOW);
      const [x, y] = await claim();
      await outbox.markDead([x?.id ?? -1], { owner: "worker-1", nowMs: NOW, reason: "meta_100_invalid_param", fbtraceId: "T1" });
      await outbox.markNeedsAttention([y?.id ?? -1], { owner: "worker-1", nowMs: NOW, reason: "meta_190_token" });
      expect(await outbox.get(x?.id ?? -1)).toMatchObject({ status: "dead", statusReason: "meta_100_invalid_param", fbtraceId: "T1", attempts: 1 });
      expect(await outbox.get(y?.id ?? -1)).toMatchObject({ status: "needs_attention", statusReason: "meta_190_token", leaseUntil: null });
      await expect(claim(10, NOW + 100_000)).resolves.toEqual([]);
      // WHEN the merchant fixes the token THEN paused rows are due again; dead ones stay dead
      await expect(outbox.resumeShop(SHOP_A, NOW + 200_000)).resolves.toBe(1);
      expect((await claim(10, NOW + 200_000)).map((row) => row.eventId)).toEqual(["y"]);
    });

    it("releases a lease without counting an attempt", async () => {
      await outbox.enqueue([delivery()], NOW);
      const [row] = await claim();
      await expect(outbox.releaseLease([row?.id ?? -1], { owner: "worker-1" })).resolves.toBe(1);
      const [again] = await claim(10, NOW + 1, "worker-2");
      expect(again).toMatchObject({ id: row?.id, attempts: 0, leaseOwner: "worker-2" });
    });

    describe("results fenced by the lease (decision 0036)", () => {
      const LEASE = 30_000;
      const row = async (id: number | undefined) => outbox.get(id ?? -1);

      /** Worker A claims the rows; its lease runs out while Meta is slow; worker B claims them again. */
      async function reclaimed(count = 1) {
        await outbox.enqueue(many(count, {}, count), NOW);
        const a = await claim(10, NOW, "worker-a");
        const b = await claim(10, NOW + LEASE + 1, "worker-b");
        expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
        return a.map((r) => r.id);
      }

      it("drops a failure recorded under a lease that ran out: the row stays the new owner's", async () => {
        const ids = await reclaimed(2);
        // GIVEN worker B sent the rows and Meta accepted them
        await outbox.markSent(ids, { nowMs: NOW + LEASE + 50, fbtraceId: "B-trace", eventsReceived: 2 });
        // WHEN worker A's timeout lands THEN none of its failures is recorded, and it learns so
        await expect(outbox.markRetry(ids, { owner: "worker-a", nowMs: NOW + LEASE + 60, nextAttemptAt: NOW + LEASE + 90_000, reason: "timeout" })).resolves.toBe(0);
        await expect(outbox.markDead(ids, { owner: "worker-a", nowMs: NOW + LEASE + 60, reason: "x" })).resolves.toBe(0);
        await expect(outbox.markNeedsAttention(ids, { owner: "worker-a", nowMs: NOW + LEASE + 60, reason: "x" })).resolves.toBe(0);
        expect(await row(ids[0])).toMatchObject({ status: "sent", attempts: 1, fbtraceId: "B-trace", statusReason: null });
        // AND nothing is left to send a third time
        await expect(claim(10, NOW + 10 * LEASE, "worker-c")).resolves.toEqual([]);
      });

      it("drops a stale failure while the new owner is still sending, and takes the new owner's", async () => {
        const [id] = await reclaimed();
        await expect(outbox.markRetry([id ?? -1], { owner: "worker-a", nowMs: NOW + LEASE + 10, nextAttemptAt: NOW + LEASE + 20, reason: "timeout" })).resolves.toBe(0);
        expect(await row(id)).toMatchObject({ status: "pending", attempts: 0, leaseOwner: "worker-b", leaseUntil: NOW + 2 * LEASE + 1 });
        await expect(outbox.markRetry([id ?? -1], { owner: "worker-b", nowMs: NOW + LEASE + 30, nextAttemptAt: NOW + LEASE + 40_000, reason: "http_503" })).resolves.toBe(1);
        expect(await row(id)).toMatchObject({ status: "retrying", statusReason: "http_503", attempts: 1, leaseOwner: null, nextAttemptAt: NOW + LEASE + 40_000 });
      });

      it("counts only the rows the caller holds when some of a batch were reclaimed", async () => {
        await outbox.enqueue(many(3, {}, 3), NOW);
        const a = await claim(10, NOW, "worker-a");
        // Only the first row is taken over: the others' lease is moved on, as if claimed later.
        await get().database.db.updateTable("deliveries").set({ lease_owner: "worker-b" }).where("id", "=", a[0]?.id ?? -1).execute();
        await expect(outbox.markDead(a.map((r) => r.id), { owner: "worker-a", nowMs: NOW + 5, reason: "Meta refused the event" })).resolves.toBe(2);
        expect((await Promise.all(a.map((r) => row(r.id)))).map((r) => r?.status)).toEqual(["pending", "dead", "dead"]);
      });

      it("drops a stale release: the new owner keeps its lease, so no third worker claims the rows", async () => {
        const ids = await reclaimed(2);
        // WHEN worker A shuts down and hands back what it had claimed
        await expect(outbox.releaseLease(ids, { owner: "worker-a" })).resolves.toBe(0);
        // THEN worker B still holds them
        expect(await row(ids[0])).toMatchObject({ leaseOwner: "worker-b", leaseUntil: NOW + 2 * LEASE + 1 });
        await expect(claim(10, NOW + LEASE + 2, "worker-c")).resolves.toEqual([]);
      });

      it("drops a stale request start: the new owner's marker and re-send count stand", async () => {
        const [id] = await reclaimed();
        await expect(outbox.markSending([id ?? -1], { owner: "worker-b", nowMs: NOW + LEASE + 5 })).resolves.toBe(1);
        await expect(outbox.markSending([id ?? -1], { owner: "worker-a", nowMs: NOW + LEASE + 9 })).resolves.toBe(0);
        expect(await row(id)).toMatchObject({ sendingStartedAt: NOW + LEASE + 5, resends: 0 });
      });

      it("records sent whoever holds the row, clears the new owner's lease, and the new owner's failure is dropped", async () => {
        const [id] = await reclaimed();
        // WHEN worker A's request was accepted after all, while worker B holds the row
        await outbox.markSent([id ?? -1], { nowMs: NOW + LEASE + 20, fbtraceId: "A-trace", eventsReceived: 1 });
        expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, fbtraceId: "A-trace", sentAt: NOW + LEASE + 20, leaseOwner: null, leaseUntil: null });
        // THEN worker B's failure does not undo it, and B's own later "sent" keeps the first answer
        await expect(outbox.markRetry([id ?? -1], { owner: "worker-b", nowMs: NOW + LEASE + 30, nextAttemptAt: NOW + LEASE + 60_000, reason: "timeout" })).resolves.toBe(0);
        await outbox.markSent([id ?? -1], { nowMs: NOW + LEASE + 40, fbtraceId: "B-trace", eventsReceived: 1 });
        expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, fbtraceId: "A-trace", sentAt: NOW + LEASE + 20 });
      });

      it.each([
        ["retrying", "transient: Meta error 2"],
        ["needs_attention", "Meta error 190"],
        ["dead", "Meta refused the event"],
      ] as const)("a late sent replaces %s recorded by the worker that took the row over", async (status, reason) => {
        const [id] = await reclaimed();
        await outbox[status === "retrying" ? "markRetry" : status === "dead" ? "markDead" : "markNeedsAttention"]([id ?? -1], {
          owner: "worker-b", nowMs: NOW + LEASE + 10, nextAttemptAt: NOW + LEASE + 60_000, reason,
        });
        expect(await row(id)).toMatchObject({ status, statusReason: reason });
        await outbox.markSent([id ?? -1], { nowMs: NOW + LEASE + 20, fbtraceId: "A-trace", eventsReceived: 1 });
        expect(await row(id)).toMatchObject({ status: "sent", statusReason: null, attempts: 2, sentAt: NOW + LEASE + 20, fbtraceId: "A-trace" });
        await expect(claim(10, NOW + 10 * LEASE, "worker-c")).resolves.toEqual([]);
      });

      it("a late sent replaces a skip made meanwhile by a cancellation: Meta has the event", async () => {
        const { db } = get().database;
        await outbox.enqueue([delivery()], NOW);
        await db.insertInto("order_events").values({ shop: SHOP_A, order_id: "5001", event_name: "Purchase", event_id: "evt-1", topic: null, webhook_id: null, created_at: NOW }).execute();
        const [a] = await claim(10, NOW, "worker-a");
        // GIVEN the order is cancelled: while worker A's lease lasts the send in flight decides the row (decision
        // 0024); once the lease has run out, the cancellation skips it
        await expect(skipUnsentOrderEvent(db, SHOP_A, "5001", NOW + 1)).resolves.toBe(0);
        await expect(skipUnsentOrderEvent(db, SHOP_A, "5001", NOW + LEASE + 1)).resolves.toBe(1);
        expect(await row(a?.id)).toMatchObject({ status: "skipped", statusReason: CANCELLED_BEFORE_SENDING, payload: null });
        // WHEN worker A's request is answered: accepted
        await outbox.markSent([a?.id ?? -1], { nowMs: NOW + LEASE + 5, fbtraceId: "A-trace", eventsReceived: 1 });
        // THEN the row says what Meta has
        expect(await row(a?.id)).toMatchObject({ status: "sent", statusReason: null, sentAt: NOW + LEASE + 5, payload: null });
      });
    });

    it("fans held rows out to every pixel and kills those too old for Meta", async () => {
      const recent = Math.floor(NOW / 1000) - 3600;
      const ancient = Math.floor((NOW - META_MAX_EVENT_AGE_MS) / 1000) + 60;
      await outbox.enqueue(
        [
          delivery({ destination: "meta:unconfigured", status: "held", eventId: "recent", eventTime: recent }),
          delivery({ destination: "meta:unconfigured", status: "held", eventId: "ancient", eventTime: ancient }),
          delivery({ destination: "meta:111", eventId: "recent", eventTime: recent, status: "pending" }),
          delivery({ shop: SHOP_B, destination: "meta:unconfigured", status: "held", eventId: "other-shop" }),
        ],
        NOW - 10,
      );
      await expect(outbox.fanOutHeld(SHOP_A, ["111", "333"], NOW)).resolves.toEqual({ released: 1, tooOld: 1 });
      const { rows } = await outbox.list({ shop: SHOP_A, limit: 10 });
      const summary = rows.map((row) => `${row.destination}/${row.eventId}/${row.status}`).sort();
      expect(summary).toEqual(["meta:111/recent/pending", "meta:333/recent/pending", "meta:unconfigured/ancient/dead"]);
      expect(rows.find((row) => row.destination === "meta:333")).toMatchObject({ nextAttemptAt: NOW, attempts: 0, payload: delivery().payload });
      expect((await outbox.list({ shop: SHOP_B, limit: 10 })).rows[0]?.status).toBe("held");
    });

    it("pages newest first with a keyset cursor, filtered by shop and status", async () => {
      await outbox.enqueue([...many(5, { shop: SHOP_A }), ...many(3, { shop: SHOP_B }), delivery({ eventId: "d", status: "dead" })], NOW);
      const first = await outbox.list({ shop: SHOP_A, status: "pending", limit: 2 });
      expect(first.rows).toHaveLength(2);
      expect(first.rows[0]?.id).toBeGreaterThan(first.rows[1]?.id ?? Infinity);
      const second = await outbox.list({ shop: SHOP_A, status: "pending", limit: 2, after: decodeDeliveryCursor(first.nextCursor) });
      const third = await outbox.list({ shop: SHOP_A, status: "pending", limit: 2, after: decodeDeliveryCursor(second.nextCursor) });
      expect(third.nextCursor).toBeNull();
      const ids = [...first.rows, ...second.rows, ...third.rows].map((row) => row.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    });

    it("redrives dead or needs-attention rows that can still be sent", async () => {
      await outbox.enqueue(
        [
          delivery({ eventId: "dead-a", status: "dead", statusReason: "x" }),
          delivery({ eventId: "dead-held", status: "dead", destination: "meta:unconfigured" }),
          delivery({ shop: SHOP_B, eventId: "dead-b", status: "dead" }),
        ],
        NOW,
      );
      await expect(redriveAll({ shop: SHOP_A, status: "dead" }, NOW + 5)).resolves.toBe(1);
      const counts = await outbox.countByStatus();
      expect(counts).toMatchObject({ dead: 2, pending: 1 });
      expect((await claim(10, NOW + 5)).map((row) => row.eventId)).toEqual(["dead-a"]);
      await expect(redriveAll({ status: "dead" }, NOW + 6)).resolves.toBe(1);
    });

    it("counts rows by status with zeros for absent statuses", async () => {
      await outbox.enqueue([delivery({ eventId: "1" }), delivery({ eventId: "2", status: "skipped" }), delivery({ shop: SHOP_B, eventId: "3" })], NOW);
      await expect(outbox.countByStatus(SHOP_A)).resolves.toEqual({
        pending: 1, retrying: 0, sent: 0, needs_attention: 0, held: 0, skipped: 1, dead: 0,
      });
      expect((await outbox.countByStatus()).pending).toBe(2);
    });

    it("purges payloads then metadata of finished rows only, and deletes a shop's rows", async () => {
      const database = get().database;
      await outbox.enqueue([delivery({ eventId: "old-sent", status: "skipped" }), delivery({ eventId: "old-pending" })], NOW - 100_000);
      await outbox.enqueue([delivery({ eventId: "new-skipped", status: "skipped" })], NOW);
      await expect(overSpans((span) => purgeFinishedPayloadSpan(database, span, NOW - 1))).resolves.toBe(1);
      const rows = (await outbox.list({ limit: 10 })).rows;
      expect(rows.find((row) => row.eventId === "old-sent")?.payload).toBeNull();
      expect(rows.find((row) => row.eventId === "old-pending")?.payload).not.toBeNull();
      expect(rows.find((row) => row.eventId === "new-skipped")?.payload).not.toBeNull();
      await expect(overSpans((span) => deleteFinishedSpan(database, span, NOW - 1))).resolves.toBe(1);
      expect((await outbox.list({ limit: 10 })).rows.map((row) => row.eventId).sort()).toEqual(["new-skipped", "old-pending"]);
      await outbox.enqueue([delivery({ shop: SHOP_B, eventId: "b" })], NOW);
      await expect(deleteShopChunk(database, "deliveries", SHOP_A)).resolves.toBe(2);
      expect((await outbox.list({ limit: 10 })).rows.map((row) => row.shop)).toEqual([SHOP_B]);
    });
  });
}
