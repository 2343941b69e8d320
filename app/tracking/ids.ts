// Shopify ids arrive as numbers (REST), digit strings, or GraphQL gids (`gid://shopify/Order/123`).
// Both the pixel and the server must reduce them to the same digits, so the rule lives here.
const DIGITS = /^\d+$/;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** Digits of a Shopify id, or null. `resources` limits which gid types are accepted. */
export function shopifyIdDigits(value: unknown, resources: readonly string[]): string | null {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  }
  // No BigInt literal here: the Shopify CLI bundles the pixel for ES2015, where `0n` cannot be parsed.
  if (typeof value === "bigint") return /^[1-9]\d*$/.test(value.toString()) ? value.toString() : null;
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (DIGITS.test(trimmed)) return /^0+$/.test(trimmed) ? null : trimmed;
  const gid = GID.exec(trimmed);
  if (gid === null || !resources.includes(gid[1] ?? "")) return null;
  return gid[2] ?? null;
}

export const ORDER_GID_RESOURCES = ["Order", "OrderIdentity"] as const;
export const CUSTOMER_GID_RESOURCES = ["Customer"] as const;

export function orderIdDigits(value: unknown): string | null {
  return shopifyIdDigits(value, ORDER_GID_RESOURCES);
}

export function customerIdDigits(value: unknown): string | null {
  return shopifyIdDigits(value, CUSTOMER_GID_RESOURCES);
}
