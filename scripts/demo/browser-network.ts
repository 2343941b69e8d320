import type { WorkTracker } from "./work-tracker";

// The shopper's browser as the network sees it: every request carries the browser's User-Agent (a worker's
// fetch sends the browser's own; the collector ignores a request without one as a bot), and an ad blocker
// refuses requests to the hosts on its list before they leave the browser. Blockers list Meta's hosts
// (facebook.com's /tr); the shop's app URL, where the collector lives, is not on their lists.

/** A desktop Chrome's User-Agent, as the live checkout fixtures carry it. */
export const SHOPPER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export type RequestRecord = {
  /** "meta": a /tr request to Meta; "collector": a post to Tandem's collector. */
  to: "meta" | "collector";
  /** Meta's event name and event id, read from the request (the /tr query, or the collector's body). */
  eventName: string;
  eventId: string;
  /** The HTTP status, or "blocked" when the ad blocker refused it, or "failed" when the network did. */
  outcome: number | "blocked" | "failed";
};

export type BrowserNetwork = {
  /** What the pixel's sandbox gets as `fetch`. */
  fetch(input: unknown, init?: { method?: string; body?: unknown }): Promise<Response>;
  readonly requests: readonly RequestRecord[];
};

export type BrowserNetworkOptions = {
  /** Origin of Meta's /tr (in the demo, the Meta simulator standing in for www.facebook.com). */
  metaOrigin: string;
  /** true: an ad blocker with Meta's hosts on its list. */
  adBlocker: boolean;
  tracker: WorkTracker;
};

function describe(url: URL, body: string | null): Pick<RequestRecord, "eventName" | "eventId"> {
  const params = body === null ? url.searchParams : new URLSearchParams(body);
  return { eventName: params.get("ev") ?? "?", eventId: params.get("eid") ?? "?" };
}

export function createBrowserNetwork(options: BrowserNetworkOptions): BrowserNetwork {
  const requests: RequestRecord[] = [];
  return {
    requests,
    fetch(input, init = {}) {
      const url = new URL(String(input));
      const body = typeof init.body === "string" ? init.body : null;
      const to = url.origin === options.metaOrigin ? "meta" : "collector";
      const record: RequestRecord = { to, ...describe(url, body), outcome: "failed" };
      requests.push(record);
      if (to === "meta" && options.adBlocker) {
        record.outcome = "blocked";
        // What a blocked request looks like from inside the page: a network error, no response.
        return Promise.reject(new TypeError("Failed to fetch"));
      }
      // `mode: "no-cors"` and `keepalive` are the browser's business; the request itself is the same.
      const sent = fetch(url, { method: init.method ?? "GET", body, headers: { "user-agent": SHOPPER_USER_AGENT } }).then(async (response) => {
        record.outcome = response.status;
        await response.arrayBuffer();
        return response;
      });
      return options.tracker.track(sent);
    },
  };
}
