import { createHash, timingSafeEqual } from "node:crypto";

// Who may scrape /metrics (docs/decisions/0019). The counts carry no shop or customer data, but they say how
// busy the app is and which Meta errors it meets, and every scrape costs database reads: not for anyone on
// the internet. With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`.

/** True when `authorization` is `Bearer <token>`; compared in constant time. */
export function bearerMatches(token: string, authorization: string | null | undefined): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return false;
  // Digests first: timingSafeEqual wants equal lengths, and the token's length is no one's business.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

export type MetricsAccess = "allowed" | "unauthorized" | "not_served";

/**
 * The app's own port: served only with a token (no token configured → not served: 404). A port of its own
 * (`METRICS_PORT`, the worker's `--metrics-port`) is open unless a token is configured.
 */
export function metricsAccess(token: string | undefined, authorization: string | null | undefined, port: "app" | "own"): MetricsAccess {
  if (token === undefined) return port === "app" ? "not_served" : "allowed";
  return bearerMatches(token, authorization) ? "allowed" : "unauthorized";
}
