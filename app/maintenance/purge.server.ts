import type { Database } from "../db/connection.server";
import {
  CHUNK_ROWS,
  chunkRowsFor,
  deleteFinishedSpan,
  deleteOldBrowserPurchaseIdsChunk,
  deleteOldClaimsChunk,
  deleteOldReceiptsChunk,
  expireSpan,
  forEachSpan,
  purgeFinishedPayloadSpan,
  spanAllNewerThan,
} from "../db/bulk-writes.server";
import { deleteDoneFunnelEventsChunk, deleteExpiredWaitingFunnelEventsChunk, deleteSentFunnelChunk } from "../db/funnel-backlog.server";
import { createOrderAdjustments } from "../db/order-adjustments.server";
import { createDataRequests } from "../db/data-requests.server";
import { createMaintenanceJobs } from "../db/maintenance-jobs.server";
import { META_EVENT_WINDOW_MS } from "../destinations/meta/event-window";

// What retention keeps (docs/decisions/0007, 0020).
// - Privacy window: a row created more than Meta's 7-day window plus one day ago can never be sent. Its hashed
//   payload (match keys, IP, user agent) is purged whatever its status; a row that had not finished (pending,
//   retrying, held, needs attention) becomes dead, "too old", with what it was waiting for in the reason.
// - The hashed payload of a finished row goes sooner if RETENTION_PAYLOAD_DAYS is shorter than that window.
// - The row itself (status, reason, fbtrace_id, order id — no personal data) answers "did this order reach
//   Meta?" in Activity and goes after RETENTION_METADATA_DAYS, with the order claims and the recorded
//   cancellations and refunds (decision 0024) of that age, and the checkouts' browser purchase ids (issue 16).
// - Funnel events (the collector's rows) are tens of times more numerous than orders and answer nothing once
//   Meta has them: a sent one goes RETENTION_FUNNEL_HOURS after it was sent (decision 0030). Failed ones stay
//   with the other rows, so the merchant can see them.
// - Webhook receipts only short-cut Shopify's redeliveries (48 h): RETENTION_RECEIPT_DAYS.
// Every step runs in bounded chunks (app/db/bulk-writes.server.ts), yielding between them.

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Meta refuses events older than its window (7 days); one more day of margin for clocks and a worker that was down. */
export const PRIVACY_WINDOW_MS = META_EVENT_WINDOW_MS + DAY_MS;

export const HOUR_MS = 60 * 60 * 1000;
/** RETENTION_FUNNEL_HOURS' default. */
export const DEFAULT_FUNNEL_HOURS = 24;

/** `receiptDays`: webhook receipts; without it they follow `payloadDays`. `funnelHours`: sent funnel rows. */
export type RetentionPolicy = { payloadDays: number; metadataDays: number; receiptDays?: number; funnelHours?: number };
export type RetentionResult = { payloadsPurged: number; rowsDeleted: number; receiptsDeleted: number; expired: number };
export type PurgeDeps = { database: Database };
export type Between = () => Promise<void>;

export function retentionPolicyFrom(
  env: { RETENTION_PAYLOAD_DAYS: number; RETENTION_METADATA_DAYS: number; RETENTION_RECEIPT_DAYS: number; RETENTION_FUNNEL_HOURS?: number },
): RetentionPolicy {
  return {
    payloadDays: env.RETENTION_PAYLOAD_DAYS,
    metadataDays: env.RETENTION_METADATA_DAYS,
    receiptDays: env.RETENTION_RECEIPT_DAYS,
    funnelHours: env.RETENTION_FUNNEL_HOURS ?? DEFAULT_FUNNEL_HOURS,
  };
}

const immediate: Between = () => new Promise((resolve) => setImmediate(resolve));

export async function purgeExpired(deps: PurgeDeps, policy: RetentionPolicy, nowMs: number, between: Between = immediate): Promise<RetentionResult> {
  const { database } = deps;
  const expireCutoff = nowMs - PRIVACY_WINDOW_MS;
  const payloadCutoff = Math.max(expireCutoff, nowMs - policy.payloadDays * DAY_MS);
  // A row is never deleted before its payload period ends: a metadata period shorter than that is raised.
  const metadataCutoff = Math.min(payloadCutoff, nowMs - policy.metadataDays * DAY_MS);
  const result: RetentionResult = { payloadsPurged: 0, rowsDeleted: 0, receiptsDeleted: 0, expired: 0 };
  await forEachSpan(
    database,
    async (span) => {
      const expired = await expireSpan(database, span, expireCutoff, nowMs);
      const deleted = await deleteFinishedSpan(database, span, metadataCutoff);
      result.payloadsPurged += (await purgeFinishedPayloadSpan(database, span, payloadCutoff)) + expired;
      result.rowsDeleted += deleted;
      result.expired += expired;
      // Ids grow with time: past the first span whose rows are all newer than every cutoff, nothing is due.
      return !(await spanAllNewerThan(database, span, payloadCutoff));
    },
    between,
  );
  const funnelCutoff = nowMs - (policy.funnelHours ?? DEFAULT_FUNNEL_HOURS) * HOUR_MS;
  const chunkRows = chunkRowsFor(database);
  for (let n = -1; n !== 0; await between()) {
    n = await deleteSentFunnelChunk(database, funnelCutoff, chunkRows);
    result.rowsDeleted += n;
  }
  // A paused shop's funnel events past the privacy window can never be sent: they go, counted as expired.
  for (let n = -1; n !== 0; await between()) {
    n = await deleteExpiredWaitingFunnelEventsChunk(database, expireCutoff, chunkRows);
    result.expired += n;
    result.rowsDeleted += n;
  }
  for (let after: number | null = 0; after !== null; await between()) {
    const step = await deleteDoneFunnelEventsChunk(database, funnelCutoff, chunkRows, after);
    result.rowsDeleted += step.deleted;
    after = step.next;
  }
  for (let n = -1; n !== 0; await between()) n = await deleteOldClaimsChunk(database, metadataCutoff);
  for (let n = -1; n !== 0; await between()) n = await deleteOldBrowserPurchaseIdsChunk(database, metadataCutoff);
  const adjustments = createOrderAdjustments(database);
  for (let n = -1; n !== 0; await between()) n = await adjustments.deleteOlderThanChunk(metadataCutoff, CHUNK_ROWS);
  for (let n = -1; n !== 0; await between()) {
    n = await deleteOldReceiptsChunk(database, nowMs - (policy.receiptDays ?? policy.payloadDays) * DAY_MS);
    result.receiptsDeleted += n;
  }
  await createDataRequests(database).deleteOlderThan(nowMs - policy.metadataDays * DAY_MS);
  await createMaintenanceJobs(database).purge({ finishedBeforeMs: nowMs - policy.metadataDays * DAY_MS });
  return result;
}
