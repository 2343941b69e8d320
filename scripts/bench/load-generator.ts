import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { buildWebhookHeaders } from "../../sim/webhook-sender";
import { closedLoop, openLoop } from "./load-loops";
import type { LoadJob } from "./load-protocol";

// Runs in a worker thread, so generating and signing load never competes with the server's event loop
// inside one thread. Loopback only; bounded by count and time.

const job = workerData as LoadJob;
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const target = new URL(job.path, job.baseUrl);
if (target.hostname !== "127.0.0.1" && target.hostname !== "localhost") throw new Error("load generator is loopback only");

type Prepared = { body: string; headers: Record<string, string>; eventId: string | null };

// Bodies are built and signed before the clock starts, so the generator's own cost stays out of the figures.
function prepare(count: number): Prepared[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const n = job.firstOrder + i;
    const order = numberedOrder(n, { processed_at: now, created_at: now });
    const body = JSON.stringify(order);
    const shop = job.shops[n % job.shops.length] ?? "bench.myshopify.com";
    const headers = buildWebhookHeaders({ topic: "orders/paid", shop, secret: job.secret, webhookId: `bench-${n}` }, body);
    const eventId = order.note_attributes.find((a) => a.name === "_tandem_event_id")?.value;
    return { body, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, eventId: typeof eventId === "string" ? eventId : null };
  });
}

const prepared = prepare(job.maxCount);

function post(index: number, sentAt: Array<[string, number]>): Promise<boolean> {
  const item = prepared[index];
  if (item === undefined) return Promise.resolve(false);
  if (item.eventId !== null) sentAt.push([item.eventId, Date.now()]);
  return new Promise((resolve) => {
    const req = request(target, { method: "POST", agent, headers: item.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
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
