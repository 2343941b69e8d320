import type { MetaSendFailure } from "../destinations/meta/types";
import type { DeliveryDeps } from "./delivery-deps";
import type { DeliveryGroup } from "./plan-batches";
import { STALE_RESULT, type ClaimedDelivery, type StaleResult } from "./ports";
import type { RunSummary } from "./run-summary";

// Writes outcomes for one group to the outbox, counts them, logs them, and remembers which claimed rows
// have no outcome yet so an unexpected failure can hand exactly those back. Every write but "sent" names the
// lease the rows were claimed under; the outbox drops the results for rows that lease no longer holds (decision
// 0036), and they are counted here instead of as outcomes.

const LOGGED_EVENT_IDS = 20;

export type Recorder = ReturnType<typeof createRecorder>;

export function createRecorder(group: DeliveryGroup, deps: DeliveryDeps, summary: RunSummary, owner: string) {
  const open = new Set(group.rows.map((r) => r.id));
  // Rows a request of this pass has carried: a split batch sends them again after a recorded answer (Meta's
  // refusal of the whole batch), which is not a re-send after a lost answer.
  const carried = new Set<number>();
  const base = { shop: group.shop, destination: group.destination };
  const { outbox, logger } = deps;

  function close(rows: readonly ClaimedDelivery[]): number[] {
    const ids = rows.map((r) => r.id);
    for (const id of ids) open.delete(id);
    return ids;
  }

  function eventIds(rows: readonly ClaimedDelivery[]) {
    return { count: rows.length, eventIds: rows.slice(0, LOGGED_EVENT_IDS).map((r) => r.eventId) };
  }

  /** How many of `asked` the outbox recorded; the rest were no longer this lease's, and are counted as stale. */
  function recorded(result: StaleResult, asked: number, applied: number): number {
    const stale = asked - applied;
    if (stale > 0) {
      summary.stale += stale;
      deps.counters.recordStaleResults(result, stale);
      // Not a loss: another worker holds the rows now (its own result stands) or has finished them.
      logger.info({ ...base, result, count: stale }, "results dropped: the lease ran out and the rows are another worker's");
    }
    return applied;
  }

  return {
    countRequest() {
      summary.requests += 1;
    },
    /** Marks rows as on their way to Meta, counting those whose previous request's answer was lost. */
    async sending(rows: readonly ClaimedDelivery[]) {
      const first = rows.filter((r) => !carried.has(r.id));
      if (first.length === 0) return;
      const applied = await outbox.markSending(first.map((r) => r.id), { owner, nowMs: deps.now() });
      for (const r of first) carried.add(r.id);
      // None of them is this lease's any more: the re-send, if any, is the holder's to count.
      if (recorded(STALE_RESULT.sending, first.length, applied) === 0) return;
      const resent = first.filter((r) => r.sendingStartedAt != null);
      if (resent.length === 0) return;
      summary.resent += resent.length;
      deps.counters.recordResends(resent.length);
      logger.warn({ ...base, ...eventIds(resent) }, "sending again after a lost answer (Meta deduplicates by event_id)");
    },
    async sent(rows: readonly ClaimedDelivery[], fbtraceId: string | null, eventsReceived: number) {
      if (rows.length === 0) return;
      // Meta answers all-or-nothing, so a short count should not happen; when it does we cannot tell which
      // events are missing, and resending all would double count the rest. Record it and warn loudly.
      if (eventsReceived !== rows.length) {
        logger.warn({ ...base, ...eventIds(rows), eventsReceived, fbtraceId }, "Meta received fewer events than sent");
      }
      await outbox.markSent(close(rows), { nowMs: deps.now(), fbtraceId, eventsReceived });
      summary.sent += rows.length;
      logger.info({ ...base, ...eventIds(rows), eventsReceived, fbtraceId }, "delivered to Meta");
    },
    async retry(rows: readonly ClaimedDelivery[], nextAttemptAt: number, reason: string) {
      if (rows.length === 0) return;
      const applied = await outbox.markRetry(close(rows), { owner, nowMs: deps.now(), nextAttemptAt, reason });
      summary.retried += recorded(STALE_RESULT.retrying, rows.length, applied);
    },
    async dead(rows: readonly ClaimedDelivery[], reason: string, fbtraceId: string | null) {
      if (rows.length === 0) return;
      const applied = await outbox.markDead(close(rows), { owner, nowMs: deps.now(), reason, fbtraceId });
      summary.dead += recorded(STALE_RESULT.dead, rows.length, applied);
      if (applied > 0) logger.warn({ ...base, ...eventIds(rows), reason, fbtraceId }, "delivery dead-lettered");
    },
    async needsAttention(rows: readonly ClaimedDelivery[], reason: string, fbtraceId: string | null) {
      if (rows.length === 0) return;
      const applied = await outbox.markNeedsAttention(close(rows), { owner, nowMs: deps.now(), reason, fbtraceId });
      summary.needsAttention += recorded(STALE_RESULT.needsAttention, rows.length, applied);
      if (applied > 0) logger.warn({ ...base, ...eventIds(rows), reason }, "delivery needs attention");
    },
    logFailure(rows: readonly ClaimedDelivery[], failure: MetaSendFailure) {
      const { errorClass, httpStatus, code, subcode, fbtraceId } = failure;
      logger.warn(
        { ...base, ...eventIds(rows), errorClass, httpStatus, code, subcode, fbtraceId, message: failure.message },
        "Meta rejected a batch",
      );
    },
    async release(rows: readonly ClaimedDelivery[]) {
      if (rows.length === 0) return;
      summary.released += recorded(STALE_RESULT.release, rows.length, await outbox.releaseLease(close(rows), { owner }));
      logger.info({ ...base, ...eventIds(rows) }, "lease running out: rows handed back");
    },
    async releaseUnrecorded() {
      const ids = [...open];
      open.clear();
      if (ids.length === 0) return;
      try {
        summary.released += recorded(STALE_RESULT.release, ids.length, await outbox.releaseLease(ids, { owner }));
      } catch (error) {
        // The lease will expire on its own; another worker picks the rows up then.
        logger.error({ ...base, count: ids.length, err: String(error) }, "could not release leases");
      }
    },
  };
}
