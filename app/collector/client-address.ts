// The shopper's address as the collector sees it. Without a proxy in front (TRUST_PROXY off) it is the
// socket's peer, and X-Forwarded-For is ignored: anyone can write that header. Behind proxies the app trusts,
// each proxy appends the address it received from; the right-most entries are those proxies' own, so the
// client is the right-most entry that is not one of them — the left-most entries are whatever the client sent.

/** How many proxies in front of the app append to X-Forwarded-For (0: none, use the socket). */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedProxies: number): string | null {
  const socket = socketAddress ?? null;
  if (trustedProxies <= 0 || forwardedFor === undefined) return socket;
  const hops = forwardedFor.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  // The socket is the nearest proxy; each further trusted proxy is one more entry from the right.
  const index = hops.length - trustedProxies;
  if (index < 0) return hops[0] ?? socket;
  return hops[index] ?? socket;
}
