import type { Kysely } from "kysely";
import type { Schema } from "./schema";

export type SentInput = { nowMs: number; fbtraceId: string | null; eventsReceived: number | null };

/**
 * The update that records Meta's acceptance on `deliveries` rows; the caller says which rows. It is not fenced by
 * the lease (decision 0036): Meta has the event whoever asked, so "sent" replaces any other state — retrying,
 * needs attention, dead, or skipped by a cancellation that arrived while the request was out — and clears a lease
 * another worker took meanwhile (its own result will then be dropped). A row already sent keeps its first answer:
 * its sent time and trace id are those of the request Meta took first.
 * The funnel queue uses it too, for a row another worker moved here while this worker's request was out.
 */
export function sentUpdate(db: Kysely<Schema>, opts: SentInput) {
  return db
    .updateTable("deliveries")
    .set((eb) => ({
      status: "sent",
      status_reason: null,
      attempts: eb("attempts", "+", 1),
      fbtrace_id: opts.fbtraceId,
      events_received: opts.eventsReceived,
      sent_at: opts.nowMs,
      updated_at: opts.nowMs,
      lease_owner: null,
      lease_until: null,
      sending_started_at: null,
    }))
    .where("status", "!=", "sent");
}
