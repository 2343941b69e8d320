import type { DeliveryOutbox } from "../delivery/ports";
import type { Metrics } from "./metrics.server";

/**
 * The worker's outbox, observing delivery latency (row created → marked sent after Meta accepted it).
 * The creation time comes with the claimed rows, so this costs no extra query. Ids are forgotten on every
 * outcome, so the map only ever holds rows this worker has in flight.
 */
export function instrumentDeliveryOutbox(
  outbox: DeliveryOutbox,
  metrics: Pick<Metrics, "recordDelivered">,
): DeliveryOutbox {
  const createdAt = new Map<number, number>();

  function forget(ids: readonly number[]): void {
    for (const id of ids) createdAt.delete(id);
  }

  return {
    ...outbox,
    async claimDue(input) {
      const rows = await outbox.claimDue(input);
      for (const row of rows) {
        const created = createdAtOf(row);
        if (created !== null) createdAt.set(row.id, created);
      }
      return rows;
    },
    async markSent(ids, input) {
      const result = await outbox.markSent(ids, input);
      const latencies: number[] = [];
      for (const id of ids) {
        const created = createdAt.get(id);
        if (created !== undefined) latencies.push(input.nowMs - created);
      }
      forget(ids);
      metrics.recordDelivered(latencies);
      return result;
    },
    async markRetry(ids, input) {
      forget(ids);
      return outbox.markRetry(ids, input);
    },
    async markDead(ids, input) {
      forget(ids);
      return outbox.markDead(ids, input);
    },
    async markNeedsAttention(ids, input) {
      forget(ids);
      return outbox.markNeedsAttention(ids, input);
    },
    async releaseLease(ids, input) {
      forget(ids);
      return outbox.releaseLease(ids, input);
    },
  };
}

function createdAtOf(row: object): number | null {
  return "createdAt" in row && typeof row.createdAt === "number" ? row.createdAt : null;
}
