// A page + worker that host the built pixel bundle the way Shopify's strict sandbox does: a Web Worker
// with a global `shopify.extend` handing the extension its API. The page relays Shopify-shaped events.
export type HarnessInit = {
  settings: Record<string, string>;
  cookies: Record<string, string>;
  customerPrivacy: Record<string, boolean>;
};

export function workerSource(pixelBundle: string, init: HarnessInit): string {
  return `
const INIT = ${JSON.stringify(init)};
const subscribers = {};
self.shopify = {
  extend(point, extend) {
    if (point !== "WebPixel::Render") throw new Error("unexpected extension point " + point);
    extend({
      settings: INIT.settings,
      init: { customerPrivacy: INIT.customerPrivacy, data: {}, context: {} },
      analytics: { subscribe(name, cb) { (subscribers[name] ||= []).push(cb); return () => true; } },
      browser: { cookie: { get: async (name) => INIT.cookies[name] ?? "" } },
      customerPrivacy: { subscribe() { return () => true; } },
      _pixelInfo: {},
    });
  },
};
self.onmessage = (message) => {
  const event = message.data;
  for (const cb of subscribers[event.name] || []) cb(event);
  self.postMessage({ delivered: event.id });
};
${pixelBundle}
`;
}

export const HARNESS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Pixel harness</title></head>
<body><h1>Web Pixel harness</h1><pre id="log"></pre><script>
window.startPixel = (source) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  window.pixelWorker = new Worker(url);
  window.pixelWorker.onmessage = (m) => { document.getElementById("log").textContent += JSON.stringify(m.data) + "\\n"; };
};
window.emit = (event) => window.pixelWorker.postMessage(event);
</script></body></html>`;
