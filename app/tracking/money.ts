// Money as both sides send it to Meta: the server's Purchase (order-value.ts) and the browser's events
// (pixel/browser-custom-data.ts) must round and name currencies alike, or Meta sees two different values for
// one deduplicated event. Pure: safe for the pixel bundle.

/** Rounds to cents (Meta's value is a decimal amount in the currency's major unit). */
export function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}

/** An ISO 4217 code ("usd " → "USD"), or null when `raw` is not three letters. */
export function currencyCode(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}
