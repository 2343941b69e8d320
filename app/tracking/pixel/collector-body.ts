// What the Web Pixel posts to Tandem's collector for one mapped event (decision 0027): the shop, the checkout
// token, then the query of the event's first /tr URL without the pixel id. Built from that URL rather than
// from the event again, so the collector sees the same event_id, data and consent flags (dpo=LDU) as Meta's
// /tr request by construction, and the server's configured pixel ids stay the only ones that count.

/** The request body: `shop=…&ck=…&ev=…&eid=…` (a URL query string, sent as text/plain). */
export function collectorBody(trUrl: string, shop: string, checkoutToken: string | null): string {
  const params = new URLSearchParams(trUrl.slice(trUrl.indexOf("?") + 1));
  params.delete("id");
  // `|| ""`, not `?? ""`: the CLI bundles for ES2015, where `??` expands.
  return `${new URLSearchParams({ shop, ck: checkoutToken || "" })}&${params}`;
}
