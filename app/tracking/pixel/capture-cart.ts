// What the storefront capture reads from the Ajax Cart API and decides about it (docs/decisions/0012).
// Pure: the embed does the requests; these functions only parse and decide.
import { isWellFormedTandemEventId } from "../event-id";
import { TANDEM_ATTRIBUTE } from "../attributes";
import { asRecord } from "./read-shape";

export type CartState = {
  /** 0 for an empty cart, whose token Shopify may change on every /cart.js until an item is added. */
  itemCount: number;
  /** The cart's attributes as Shopify answered them; callers compare values, so non-strings never match. */
  attributes: Record<string, unknown>;
};

/** A /cart.js (or /cart/update.js) answer, or null when it is not a cart (missing Ajax API, garbage). */
export function readCart(json: unknown): CartState | null {
  const cart = asRecord(json) || {};
  const itemCount = cart.item_count;
  if (typeof itemCount !== "number" || !(itemCount >= 0)) return null;
  return { itemCount, attributes: asRecord(cart.attributes) || {} };
}

/**
 * The purchase event id for a cart: the one it already carries when well-formed (another page, tab or an
 * earlier pass wrote it), else one this page minted and has not written yet, else none (the caller mints).
 */
export function cartEventId(attributes: Record<string, unknown>, mintedInPage: string | null): string | null {
  const carried = attributes[TANDEM_ATTRIBUTE.eventId];
  return isWellFormedTandemEventId(carried) ? carried : mintedInPage;
}

/**
 * Only the keys whose value differs from the cart's; null when nothing does. A key the cart lacks equals
 * `""` (the Ajax Cart API's "clear this key"), so clearing an absent key is no change.
 */
export function attributesToWrite(
  wanted: Record<string, string>,
  current: Record<string, unknown>,
): Record<string, string> | null {
  let changes: Record<string, string> | null = null;
  for (const key of Object.keys(wanted)) {
    if ((current[key] || "") !== wanted[key]) (changes = changes || {})[key] = wanted[key] as string;
  }
  return changes;
}

// Ajax Cart API calls that change the cart: /cart/add, /cart/change, /cart/update, /cart/clear, with or
// without `.js`, under any locale prefix (`/fr/cart/add.js`). /cart.js only reads.
const CART_CHANGE_PATH = /\/cart\/(add|change|update|clear)(\.js)?$/;

export function isCartChangePath(pathname: string): boolean {
  return CART_CHANGE_PATH.test(pathname);
}

/**
 * The cart form that leads to checkout posts to `{routes.root}cart` (Shopify's `routes.cart_url`).
 * `method` as HTMLFormElement.method reports it: always lower case.
 */
export function isCartFormPost(method: string, pathname: string): boolean {
  return method === "post" && /\/cart\/?$/.test(pathname);
}
