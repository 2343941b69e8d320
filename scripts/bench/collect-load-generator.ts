import { workerData } from "node:worker_threads";
import { collectBodies, EVENTS_PER_SHOPPER } from "./collect-bodies";
import { loopbackTarget, sendLoad, type PreparedPost } from "./load-worker";
import type { CollectLoadJob } from "./load-protocol";

// The collector's load, in a worker thread like the webhook load (load-generator.ts). Each request is what a
// shopper's browser sends: text/plain (no preflight), a browser user agent, and — the app trusting one proxy in
// front, as behind a load balancer — the shopper's address in X-Forwarded-For. `json: true` sends the same
// event as a JSON object instead, for the baseline server, which reads JSON.

const job = workerData as CollectLoadJob;
const target = loopbackTarget(job);
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

// Built before the clock starts, so the generator's own cost stays out of the figures.
function prepare(): PreparedPost[] {
  const shoppers = Math.ceil(job.maxCount / EVENTS_PER_SHOPPER);
  return collectBodies(job.shops, job.firstShopper, shoppers, Date.now()).slice(0, job.maxCount).map((item) => {
    const body = job.json ? JSON.stringify(Object.fromEntries(new URLSearchParams(item.body))) : item.body;
    return {
      body,
      eventId: item.eventId,
      headers: {
        "Content-Type": job.json ? "application/json" : "text/plain;charset=UTF-8",
        "Content-Length": String(Buffer.byteLength(body)),
        "User-Agent": USER_AGENT,
        Origin: `https://${item.shop}`,
        "X-Forwarded-For": item.clientAddress,
      },
    };
  });
}

// The collector (and the JSON baseline) accepts an event with 204.
await sendLoad(job, target, prepare(), 204);
