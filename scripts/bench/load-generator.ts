import { workerData } from "node:worker_threads";
import { numberedOrder } from "../../sim/fixtures/order-payloads";
import { buildWebhookHeaders } from "../../sim/webhook-sender";
import { loopbackTarget, sendLoad, type PreparedPost } from "./load-worker";
import type { LoadJob } from "./load-protocol";

// Runs in a worker thread, so generating and signing load never competes with the server's event loop
// inside one thread. Loopback only; bounded by count and time.

const job = workerData as LoadJob;
const target = loopbackTarget(job);

// Bodies are built and signed before the clock starts, so the generator's own cost stays out of the figures.
function prepare(count: number): PreparedPost[] {
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

// A webhook is accepted with 200.
await sendLoad(job, target, prepare(job.maxCount), 200);
