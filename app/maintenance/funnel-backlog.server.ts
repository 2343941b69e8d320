import type { Database } from "../db/connection.server";
import { chunkRowsFor } from "../db/bulk-writes.server";
import { countUnsentFunnel, dropOldestUnsentFunnel, listShopDomains } from "../db/funnel-backlog.server";
import type { Between } from "./purge.server";
import type { MaintenanceLogger } from "./bulk-jobs.server";

// The bounded funnel backlog (decision 0030). Funnel events pile up while a shop or a pixel is paused, tens of
// times faster than orders; past the cap the OLDEST unsent funnel rows give way (the newest are the ones Meta
// can still use longest), Purchase rows never do, and every drop is counted and logged. Checked by the
// maintenance loop, not per collector request: one bounded, index-only count per shop per pass.

export const FUNNEL_DROP_REASON = { backlog: "backlog", backlogFull: "backlog_full" } as const;
export type FunnelDropReason = (typeof FUNNEL_DROP_REASON)[keyof typeof FUNNEL_DROP_REASON];

/** Where drops are counted: tandem_funnel_events_dropped_total{reason} (one per pixel row, as stored). */
export type FunnelDropMetrics = { recordFunnelDropped(reason: FunnelDropReason, count: number): void };

/** A shop far over the cap (a backlog from before the cap existed) is trimmed over several passes. */
export const MAX_TRIM_PER_PASS = 1_000_000;

/** How close to the cap (in chunks) the backlog is counted again before each chunk. */
const RECOUNT_WITHIN_CHUNKS = 20;

export type TrimDeps = { database: Database; logger: MaintenanceLogger; metrics?: FunnelDropMetrics };

/** Trims every shop's unsent funnel rows down to `cap`, oldest first, in chunks; returns how many were dropped. */
export async function trimFunnelBacklogs(deps: TrimDeps, cap: number, nowMs: number, between: Between): Promise<number> {
  let dropped = 0;
  for (const shop of await listShopDomains(deps.database)) {
    dropped += await trimShop(deps, shop, cap, nowMs, between);
  }
  return dropped;
}

async function trimShop(deps: TrimDeps, shop: string, cap: number, nowMs: number, between: Between): Promise<number> {
  const { database } = deps;
  const chunk = chunkRowsFor(database);
  const backlog = await countUnsentFunnel(database, shop, cap + MAX_TRIM_PER_PASS);
  if (backlog <= cap) return 0;
  let dropped = 0;
  // Near the cap, counted again before every chunk: in scale mode every worker process runs this pass, and a
  // count taken once would let each of them drop the whole excess; racing passes now overshoot by at most a
  // chunk each. Far above it (a backlog from before the cap), the count is only recounted close to the end.
  for (let excess = backlog - cap; excess > 0 && dropped < MAX_TRIM_PER_PASS; ) {
    const n = await dropOldestUnsentFunnel(database, shop, Math.min(chunk, excess), nowMs);
    if (n === 0) break; // what is left over the cap is being sent right now
    dropped += n;
    deps.metrics?.recordFunnelDropped(FUNNEL_DROP_REASON.backlog, n);
    await between();
    excess -= n;
    if (excess <= RECOUNT_WITHIN_CHUNKS * chunk) excess = (await countUnsentFunnel(database, shop, cap + MAX_TRIM_PER_PASS)) - cap;
  }
  if (dropped === 0) return 0;
  // A shop name and counts only: nothing about the shoppers whose events went.
  deps.logger.warn({ shop, dropped, backlog, cap }, "funnel backlog over its cap: oldest unsent funnel events dropped");
  return dropped;
}
