// Shared by the health loader and the page (no server imports, so the page bundle can use it).

/** The match keys the health page charts, in Meta's names. */
export const CHARTED_MATCH_KEYS = ["em", "ph", "fbp", "fbc", "client_ip_address", "client_user_agent", "external_id"] as const;
export type ChartedMatchKey = (typeof CHARTED_MATCH_KEYS)[number];

/** Share as a whole percentage; 0 when there is nothing to measure. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100);
}
