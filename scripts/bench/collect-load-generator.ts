import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { collectBodies, EVENTS_PER_SHOPPER } from "./collect-bodies";
import { closedLoop, openLoop } from "./load-loops";
import type { CollectLoadJob } from "./load-protocol";

// The collector's load, in a worker thread like the webhook load (load-generator.ts). Each request is what a
// shopper's browser sends: text/plain (no preflight), a browser user agent, and — the app trusting one proxy in
// front, as behind a load balancer — the shopper's address in X-Forwarded-For. `json: true` sends the same
// event as a JSON object instead, for the baseline server, which reads JSON.

const job = workerData as CollectLoadJob;
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const target = new URL(job.path, job.baseUrl);
if (target.hostname !== "127.0.0.1" && target.hostname !== "localhost") throw new Error("load generator is loopback only");
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

type Prepared = { body: string; headers: Record<string, string>; eventId: string };

// Built before the clock starts, so the generator's own cost stays out of the figures.
function prepare(): Prepared[] {
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

const prepared = prepare();

function post(index: number, sentAt: Array<[string, number]>): Promise<boolean> {
  const item = prepared[index];
  if (item === undefined) return Promise.resolve(false);
  sentAt.push([item.eventId, Date.now()]);
  return new Promise((resolve) => {
    const req = request(target, { method: "POST", agent, headers: item.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 204));
    });
    req.on("error", () => resolve(false));
    req.end(item.body);
  });
}

const result = job.mode === "open"
  ? await openLoop(post, job.ratePerSec, job.durationMs, job.maxCount)
  : await closedLoop(post, job.concurrency, job.durationMs, job.maxCount);
agent.destroy();
parentPort?.postMessage(result);
