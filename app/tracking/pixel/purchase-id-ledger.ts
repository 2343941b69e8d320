// The Purchase's event id, whatever checkout_completed carries (decision 0011). Live checkout_completed events
// can arrive with `attributes: []` while the checkout's earlier events carried the cart attributes, and the
// thank-you page can be reloaded. So the pixel remembers, per checkout token, the `_tandem_event_id` a checkout
// event carried and the id it sent a Purchase under, in a small ledger kept in the shop's storage.
// The decisions are pure functions; the storage is injected (the Web Pixels API's async browser.localStorage).
import { TANDEM_ATTRIBUTE, readAttribute } from "../attributes";
import { isWellFormedTandemEventId, purchaseEventId } from "../event-id";
import { field, stringAt } from "./read-shape";

/** The part of the Web Pixels API's `browser.localStorage` the ledger uses. Any call may reject. */
export type AsyncKeyValueStorage = {
  getItem(key: string): Promise<unknown>;
  setItem(key: string, value: string): Promise<unknown>;
};

export const PURCHASE_LEDGER_KEY = "_tandem_purchase_ids";
/** A shopper has one or two checkouts open at once; eight leaves room while keeping the entry tiny. */
export const PURCHASE_LEDGER_CAPACITY = 8;

// Written without `?.` and `??`: the Shopify CLI bundles the pixel for ES2015, where each one expands.

/**
 * The checkout token as the ledger keys it; "" when absent. checkout_started, checkout_contact_info_submitted,
 * checkout_address_info_submitted, checkout_shipping_info_submitted, payment_info_submitted and
 * checkout_completed carry one; no other standard event has a checkout.
 */
function tokenOf(event: unknown): string {
  const token = stringAt(event, "data", "checkout", "token");
  return token === null ? "" : token.trim();
}

function carriedId(checkout: unknown): string | null {
  const carried = readAttribute(field(checkout, "attributes"), TANDEM_ATTRIBUTE.eventId);
  return isWellFormedTandemEventId(carried) ? carried : null;
}

/** [checkout token, event id, 1 once a Purchase went out under that id — from then on the id is fixed]. */
export type LedgerEntry = [token: string, eventId: string, sent?: 1];

function isEntry(value: unknown): value is LedgerEntry {
  return (
    Array.isArray(value) &&
    typeof value[0] === "string" &&
    typeof value[1] === "string" &&
    (value[2] === 1 || isWellFormedTandemEventId(value[1]))
  );
}

/** Whatever is stored (another script may have written anything): the valid entries, newest last. */
export function parseLedger(raw: unknown): LedgerEntry[] {
  try {
    const parsed: unknown = JSON.parse(String(raw));
    return Array.isArray(parsed) ? parsed.filter(isEntry).slice(-PURCHASE_LEDGER_CAPACITY) : [];
  } catch {
    return [];
  }
}

/** `entry` replaces its token's entry and becomes the newest; the oldest falls out past the capacity. */
export function withEntry(entries: readonly LedgerEntry[], entry: LedgerEntry): LedgerEntry[] {
  return [...entries.filter((other) => other[0] !== entry[0]), entry].slice(-PURCHASE_LEDGER_CAPACITY);
}

/**
 * The Purchase's id: the id already sent for this checkout (a reloaded thank-you page) → the event's own
 * attribute → the id an earlier checkout event carried → purchaseEventId's fallbacks (`ck_<token>`, `order_<id>`;
 * event-id.ts).
 */
export function decidePurchaseEventId(checkout: unknown, entry?: LedgerEntry): string | null {
  if (entry && entry[2] === 1) return entry[1];
  const carried = carriedId(checkout);
  if (carried !== null) return carried;
  if (entry) return entry[1];
  const fallback = purchaseEventId(null, field(checkout, "token"), field(checkout, "order", "id"));
  return fallback && fallback.eventId;
}

/**
 * What one checkout event changes, given its token's entry: the entry to store (if any) and, for
 * checkout_completed, the Purchase's id (null for every other event).
 */
export function nextEntry(event: unknown, entry?: LedgerEntry): [store: LedgerEntry | undefined, purchaseId: string | null] {
  const checkout = field(event, "data", "checkout");
  const token = tokenOf(event);
  if (stringAt(event, "name") === "checkout_completed") {
    const purchaseId = decidePurchaseEventId(checkout, entry);
    return [token && purchaseId ? [token, purchaseId, 1] : undefined, purchaseId];
  }
  // The latest id wins (the shopper may change the cart and come back), until a Purchase went out.
  const carried = carriedId(checkout);
  return [token && carried && !(entry && entry[2] === 1) ? [token, carried] : undefined, null];
}

export type PurchaseIdLedger = {
  /**
   * Records what a checkout event carries. For checkout_completed, returns the id its Purchase must use;
   * null for every other event and for anything malformed. Never rejects.
   */
  observe(event: unknown): Promise<string | null>;
};

export function createPurchaseIdLedger(storage: AsyncKeyValueStorage | undefined): PurchaseIdLedger {
  async function step(event: unknown): Promise<string | null> {
    // Only checkout events carry a checkout token: every other event neither reads nor writes storage.
    const token = tokenOf(event);
    let entries: LedgerEntry[] = [];
    try {
      if (token && storage) entries = parseLedger(await storage.getItem(PURCHASE_LEDGER_KEY));
    } catch {
      // Unreadable storage: decide from this event alone.
    }
    const entry = entries.find((candidate) => candidate[0] === token);
    const [store, purchaseId] = nextEntry(event, entry);
    try {
      if (store && storage && String(store) !== String(entry)) {
        await storage.setItem(PURCHASE_LEDGER_KEY, JSON.stringify(withEntry(entries, store)));
      }
    } catch {
      // Storage full, blocked or gone: the Purchase still goes out under the best id this event allows.
    }
    return purchaseId;
  }

  // Events of one page arrive back to back; each read-modify-write finishes before the next starts.
  let queue: Promise<string | null> = Promise.resolve(null);
  return {
    observe(event) {
      queue = queue.then(() => step(event)).catch(() => null);
      return queue;
    },
  };
}
