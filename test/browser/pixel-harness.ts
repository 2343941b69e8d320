// A page + worker that host the built pixel bundle the way Shopify's strict sandbox does: a Web Worker
// with a global `shopify.extend` handing the extension its API. The page relays Shopify-shaped events.
//
// Pinned to the Web Pixels API as far as a harness can be:
// - `analytics.subscribe(name)` takes an event name or `all_events` / `all_standard_events`;
// - `browser.localStorage` / `browser.sessionStorage` are async and reach the top frame's storage (a worker
//   has none of its own), so a fresh pixel on a reloaded page sees what the previous one stored;
// - `browser.cookie.get` answers "" for a missing cookie.
// Not pinned: Shopify's own delivery order and batching of events, and its postMessage protocol.
export type HarnessInit = {
  settings: Record<string, string>;
  cookies: Record<string, string>;
  customerPrivacy: Record<string, boolean>;
  /** `init.data` as Shopify hands it to the pixel (e.g. `shop.myshopifyDomain`); {} when absent. */
  data?: Record<string, unknown>;
  /** The browser's User-Agent for this page and its worker; Chromium's headless one when absent. */
  userAgent?: string;
  /** "failing": every storage call rejects (storage blocked, quota exceeded, private mode). */
  storage?: "working" | "failing";
};

// Standard events per @shopify/web-pixels-extension's types (EventType.Standard): Shopify decides by name what
// `all_standard_events` receives, whatever the payload's `type` says.
export const STANDARD_EVENTS = [
  "alert_displayed",
  "cart_viewed",
  "checkout_address_info_submitted",
  "checkout_completed",
  "checkout_contact_info_submitted",
  "checkout_shipping_info_submitted",
  "checkout_started",
  "collection_viewed",
  "page_viewed",
  "payment_info_submitted",
  "product_added_to_cart",
  "product_removed_from_cart",
  "product_viewed",
  "search_submitted",
  "ui_extension_errored",
] as const;

export function workerSource(pixelBundle: string, init: HarnessInit): string {
  return `
const INIT = ${JSON.stringify({ storage: "working", ...init })};
const STANDARD = new Set(${JSON.stringify(STANDARD_EVENTS)});
const subscribers = {};
const pending = new Map();
let nextCall = 0;
function storageArea(area) {
  const call = (op, args) => {
    if (INIT.storage === "failing") return Promise.reject(new DOMException("The quota has been exceeded.", "QuotaExceededError"));
    const id = ++nextCall;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      self.postMessage({ storageCall: { id, area, op, args } });
    });
  };
  return {
    getItem: (key) => call("getItem", [key]),
    setItem: (key, value) => call("setItem", [key, String(value)]),
    removeItem: (key) => call("removeItem", [key]),
    key: (index) => call("key", [index]),
    length: () => call("length", []),
    clear: () => call("clear", []),
  };
}
self.shopify = {
  extend(point, extend) {
    if (point !== "WebPixel::Render") throw new Error("unexpected extension point " + point);
    extend({
      settings: INIT.settings,
      init: { customerPrivacy: INIT.customerPrivacy, data: INIT.data || {}, context: {} },
      analytics: { subscribe(name, cb) { (subscribers[name] ||= []).push(cb); return () => true; } },
      browser: {
        cookie: { get: async (name) => INIT.cookies[name] ?? "" },
        localStorage: storageArea("localStorage"),
        sessionStorage: storageArea("sessionStorage"),
      },
      customerPrivacy: { subscribe() { return () => true; } },
      _pixelInfo: {},
    });
  },
};
// What the shop's console would show: anything the pixel lets escape.
self.addEventListener("unhandledrejection", (event) => self.postMessage({ workerError: String(event.reason) }));
self.addEventListener("error", (event) => self.postMessage({ workerError: String(event.message) }));
self.onmessage = (message) => {
  const reply = message.data.storageReply;
  if (reply) {
    const call = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error) call?.reject(new Error(reply.error)); else call?.resolve(reply.result);
    return;
  }
  const event = message.data;
  const names = [event.name, "all_events", ...(STANDARD.has(event.name) ? ["all_standard_events"] : [])];
  for (const name of names) for (const cb of subscribers[name] || []) cb(event);
  self.postMessage({ delivered: event.id });
};
${pixelBundle}
`;
}

export const HARNESS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Pixel harness</title></head>
<body><h1>Web Pixel harness</h1><pre id="log"></pre><script>
window.delivered = [];
window.workerErrors = [];
window.storageLog = [];
window.startPixel = (source) => {
  window.pixelWorker?.terminate();
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url);
  window.pixelWorker = worker;
  worker.onerror = (error) => window.workerErrors.push(String(error.message));
  worker.onmessage = (m) => {
    if (m.data.workerError) return void window.workerErrors.push(m.data.workerError);
    const call = m.data.storageCall;
    if (call) {
      try {
        window.storageLog.push(call.op + " " + call.args.join(" "));
        const area = window[call.area];
        const result = call.op === "length" ? area.length : area[call.op](...call.args);
        worker.postMessage({ storageReply: { id: call.id, result: result ?? null } });
      } catch (error) {
        worker.postMessage({ storageReply: { id: call.id, error: String(error) } });
      }
      return;
    }
    window.delivered.push(m.data.delivered);
    document.getElementById("log").textContent += JSON.stringify(m.data) + "\\n";
  };
};
window.emit = (event) => window.pixelWorker.postMessage(event);
</script></body></html>`;
