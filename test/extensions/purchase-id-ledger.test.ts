import { describe, expect, it } from "vitest";
import {
  PURCHASE_LEDGER_CAPACITY,
  PURCHASE_LEDGER_KEY,
  createPurchaseIdLedger,
  decidePurchaseEventId,
  parseLedger,
  withEntry,
} from "../../app/tracking/pixel/purchase-id-ledger";
import type { AsyncKeyValueStorage, LedgerEntry } from "../../app/tracking/pixel/purchase-id-ledger";
import { CHECKOUT_STEPS, checkoutEvent, checkoutIds, createMemoryStorage } from "../../sim/fixtures/checkout-events";

/** A live-shaped checkout event; `eventId` puts the Tandem attributes on it (completion included). */
function checkEvent(name: string, ids: { token: string; orderId: number }, eventId?: string) {
  const attributes = name === "checkout_completed" && eventId ? [{ key: "_tandem_event_id", value: eventId }] : undefined;
  return checkoutEvent(name, { ...ids, eventId, attributes, seq: 1, atMs: Date.parse("2025-11-04T15:00:00.000Z") });
}

const A = checkoutIds(1);
const NEWER = checkoutIds(1, "b").eventId;

describe("purchase id ledger", () => {
  it("names the Purchase by the id an earlier step carried when checkout_completed has no attributes", async () => {
    const ledger = createPurchaseIdLedger(createMemoryStorage());
    expect(await ledger.observe(checkEvent("checkout_started", A, A.eventId))).toBeNull();
    expect(await ledger.observe(checkEvent("checkout_completed", A))).toBe(A.eventId);
  });

  for (const step of CHECKOUT_STEPS) {
    it(`learns the id from ${step} alone (also the steps Meta has no event for)`, async () => {
      const storage = createMemoryStorage();
      await createPurchaseIdLedger(storage).observe(checkEvent(step, A, A.eventId));
      // a fresh pixel on the thank-you page, same storage
      expect(await createPurchaseIdLedger(storage).observe(checkEvent("checkout_completed", A))).toBe(A.eventId);
    });
  }

  it("prefers checkout_completed's own attribute over what an earlier step carried", async () => {
    const ledger = createPurchaseIdLedger(createMemoryStorage());
    await ledger.observe(checkEvent("checkout_started", A, A.eventId));
    expect(await ledger.observe(checkEvent("checkout_completed", A, NEWER))).toBe(NEWER);
  });

  it("keeps the newest id a step carried (the cart changed), until a Purchase went out", async () => {
    const storage = createMemoryStorage();
    const ledger = createPurchaseIdLedger(storage);
    await ledger.observe(checkEvent("checkout_started", A, A.eventId));
    await ledger.observe(checkEvent("checkout_started", A, NEWER));
    expect(await ledger.observe(checkEvent("checkout_completed", A))).toBe(NEWER);
    // after the Purchase, a late step cannot rename it
    await ledger.observe(checkEvent("payment_info_submitted", A, A.eventId));
    expect(await createPurchaseIdLedger(storage).observe(checkEvent("checkout_completed", A))).toBe(NEWER);
  });

  it("reuses the id already sent when the thank-you page is reloaded, whatever the reload carries", async () => {
    const storage = createMemoryStorage();
    expect(await createPurchaseIdLedger(storage).observe(checkEvent("checkout_completed", A))).toBe(`ck_${A.token}`);
    expect(await createPurchaseIdLedger(storage).observe(checkEvent("checkout_completed", A, A.eventId))).toBe(`ck_${A.token}`);
  });

  it("falls back to ck_<token>, then to order_<id> (OrderIdentity gid) when no checkout token came", async () => {
    const ledger = createPurchaseIdLedger(createMemoryStorage());
    expect(await ledger.observe(checkEvent("checkout_completed", A))).toBe(`ck_${A.token}`);
    const tokenless = checkEvent("checkout_completed", { ...A, token: "" });
    expect(await ledger.observe(tokenless)).toBe(`order_${A.orderId}`);
  });

  it("never remembers a malformed id, and keeps other checkouts apart", async () => {
    const ledger = createPurchaseIdLedger(createMemoryStorage());
    const B = checkoutIds(2);
    await ledger.observe(checkEvent("checkout_started", A, "not a valid id!"));
    await ledger.observe(checkEvent("checkout_started", B, B.eventId));
    expect(await ledger.observe(checkEvent("checkout_completed", A))).toBe(`ck_${A.token}`);
    expect(await ledger.observe(checkEvent("checkout_completed", B))).toBe(B.eventId);
  });

  it(`stays bounded: ${PURCHASE_LEDGER_CAPACITY} checkouts, the oldest evicted`, async () => {
    const storage = createMemoryStorage();
    const ledger = createPurchaseIdLedger(storage);
    const checkouts = Array.from({ length: PURCHASE_LEDGER_CAPACITY + 1 }, (_, n) => checkoutIds(10 + n));
    for (const ids of checkouts) await ledger.observe(checkEvent("checkout_started", ids, ids.eventId));
    const stored = parseLedger(storage.items.get(PURCHASE_LEDGER_KEY));
    expect(stored.map(([token]) => token)).toEqual(checkouts.slice(1).map((ids) => ids.token));
    const [oldest] = checkouts;
    if (oldest === undefined) throw new Error("no checkouts");
    expect(await ledger.observe(checkEvent("checkout_completed", oldest))).toBe(`ck_${oldest.token}`);
  });

  it("orders back-to-back events: a completion observed without waiting still sees the step before it", async () => {
    const ledger = createPurchaseIdLedger(createMemoryStorage({}, 5));
    const [, purchaseId] = await Promise.all([
      ledger.observe(checkEvent("checkout_started", A, A.eventId)),
      ledger.observe(checkEvent("checkout_completed", A)),
    ]);
    expect(purchaseId).toBe(A.eventId);
  });

  it("writes only when something changed and never touches storage for non-checkout events", async () => {
    const storage = createMemoryStorage();
    const ledger = createPurchaseIdLedger(storage);
    await ledger.observe({ name: "page_viewed", data: {} });
    expect(storage.reads + storage.writes).toBe(0);
    for (const step of CHECKOUT_STEPS) await ledger.observe(checkEvent(step, A, A.eventId));
    expect(storage.writes).toBe(1);
  });

  it("decides from the event alone, never rejecting, when storage fails or holds junk", async () => {
    const failing: AsyncKeyValueStorage = {
      getItem: () => Promise.reject(new Error("SecurityError")),
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    const broken = createPurchaseIdLedger(failing);
    await expect(broken.observe(checkEvent("checkout_started", A, A.eventId))).resolves.toBeNull();
    await expect(broken.observe(checkEvent("checkout_completed", A))).resolves.toBe(`ck_${A.token}`);
    await expect(broken.observe(checkEvent("checkout_completed", A, A.eventId))).resolves.toBe(A.eventId);

    for (const junk of ["{", "null", '{"a":1}', '[["t"],[1,2],null,["tok","short"]]']) {
      const ledger = createPurchaseIdLedger(createMemoryStorage({ [PURCHASE_LEDGER_KEY]: junk }));
      await expect(ledger.observe(checkEvent("checkout_completed", A))).resolves.toBe(`ck_${A.token}`);
    }
    await expect(createPurchaseIdLedger(undefined).observe(checkEvent("checkout_completed", A))).resolves.toBe(`ck_${A.token}`);
  });

  it("ignores malformed pixel events without an error", async () => {
    const storage = createMemoryStorage();
    const ledger = createPurchaseIdLedger(storage);
    const malformed = [undefined, null, "checkout_completed", 7, [], { name: 3 }, { name: "checkout_started", data: "x" },
      { name: "checkout_started", data: { checkout: { token: 5, attributes: "x" } } }, { name: "checkout_completed", data: { checkout: null } }];
    for (const event of malformed) await expect(ledger.observe(event)).resolves.toBeNull();
    expect(storage.writes).toBe(0);
  });
});

describe("decidePurchaseEventId", () => {
  const sent: LedgerEntry = [A.token, "ck_x", 1];
  const seen: LedgerEntry = [A.token, A.eventId];
  const checkout = (eventId?: string) => checkEvent("checkout_completed", A, eventId).data.checkout;

  it("ranks: id already sent → the event's attribute → the id a step carried → ck_<token>", () => {
    expect(decidePurchaseEventId(checkout(NEWER), sent)).toBe("ck_x");
    expect(decidePurchaseEventId(checkout(NEWER), seen)).toBe(NEWER);
    expect(decidePurchaseEventId(checkout(), seen)).toBe(A.eventId);
    expect(decidePurchaseEventId(checkout())).toBe(`ck_${A.token}`);
  });

  it("keeps the newest entry per token, newest last", () => {
    const entries = withEntry(withEntry([seen, ["other", NEWER]], [A.token, "ck_y", 1]), ["third", A.eventId]);
    expect(entries).toEqual([["other", NEWER], [A.token, "ck_y", 1], ["third", A.eventId]]);
  });
});
