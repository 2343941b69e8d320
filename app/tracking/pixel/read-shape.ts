// Defensive readers for Shopify customer-event payloads. The pixel runs without zod (bundle budget), so
// external data is narrowed by hand: anything of the wrong shape reads as absent.
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const record = asRecord(current);
    if (record === null) return undefined;
    current = record[key];
  }
  return current;
}

export function stringAt(value: unknown, ...path: string[]): string | null {
  const found = field(value, ...path);
  return typeof found === "string" && found.trim() !== "" ? found : null;
}

/** MoneyV2 amounts are numbers in the pixel API; digit strings are accepted for robustness. */
export function numberAt(value: unknown, ...path: string[]): number | null {
  const found = field(value, ...path);
  const parsed = typeof found === "string" && found.trim() !== "" ? Number(found) : found;
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : null;
}

export function arrayAt(value: unknown, ...path: string[]): unknown[] {
  const found = field(value, ...path);
  return Array.isArray(found) ? found : [];
}
