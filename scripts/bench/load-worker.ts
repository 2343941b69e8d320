import { Agent, request } from "node:http";
import { parentPort } from "node:worker_threads";
import { closedLoop, openLoop, type Post } from "./load-loops";
import type { LoadShape } from "./load-protocol";

// What every load-generator thread does once its requests are prepared: POST them over keep-alive connections
// in the job's loop (open or closed), then hand the result to the bench. Loopback only.

/** A request built (and signed) before the clock starts; `eventId`, when known, times the event end to end. */
export type PreparedPost = { body: string; headers: Record<string, string>; eventId: string | null };

/** The job's URL, refused unless it is on this machine: the bench never loads another host. */
export function loopbackTarget(job: { path: string; baseUrl: string }): URL {
  const target = new URL(job.path, job.baseUrl);
  if (target.hostname !== "127.0.0.1" && target.hostname !== "localhost") throw new Error("load generator is loopback only");
  return target;
}

/** Sends `prepared` to `target` as `job` says; a request counts as accepted when it is answered `okStatus`. */
export async function sendLoad(job: LoadShape, target: URL, prepared: readonly PreparedPost[], okStatus: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const post: Post = (index, sentAt) => {
    const item = prepared[index];
    if (item === undefined) return Promise.resolve(false);
    if (item.eventId !== null) sentAt.push([item.eventId, Date.now()]);
    return new Promise((resolve) => {
      const req = request(target, { method: "POST", agent, headers: item.headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === okStatus));
      });
      req.on("error", () => resolve(false));
      req.end(item.body);
    });
  };
  const result =
    job.mode === "open" ? await openLoop(post, job.ratePerSec, job.durationMs, job.maxCount) : await closedLoop(post, job.concurrency, job.durationMs, job.maxCount);
  agent.destroy();
  parentPort?.postMessage(result);
}
