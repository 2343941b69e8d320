import type { Kysely } from "kysely";
import { boundedStatusCountSql, countStatusUpTo } from "../db/delivery-reads.server";
import { ALL_DELIVERY_STATUSES, type DeliveryStatus } from "../db/outbox-types";
import type { Schema } from "../db/schema";
import type { OutboxCounter } from "./render-metrics.server";

// Outbox depth for /metrics, at a cost that does not grow with the table (docs/decisions/0019). A GROUP BY over
// `deliveries` reads every row; with 90 days of history that is millions of rows, on the event loop that
// answers Shopify (node:sqlite is synchronous), on every scrape. Instead each status is counted up to a cap,
// through the (status, next_attempt_at) index: at most `cap` index entries per status, whatever the size.
// A depth at the cap reads "at least this many"; a backlog that deep is an alert either way.

export const OUTBOX_DEPTH_CAP = 10_000;

/** The count's statement (app/db/delivery-reads), named here for the test that reads its plan. */
export const boundedCountSql = boundedStatusCountSql;

/**
 * countByStatus with every status counted up to `cap`. Scrapes that arrive while a count runs share it, so a
 * burst of scrapes costs one count.
 */
export function createOutboxDepth(db: Kysely<Schema>, cap = OUTBOX_DEPTH_CAP): OutboxCounter {
  let running: Promise<Record<DeliveryStatus, number>> | null = null;

  async function count(): Promise<Record<DeliveryStatus, number>> {
    const counts = {} as Record<DeliveryStatus, number>;
    for (const status of ALL_DELIVERY_STATUSES) {
      counts[status] = await countStatusUpTo({ db }, status, cap);
    }
    return counts;
  }

  return {
    countByStatus() {
      running ??= count().finally(() => {
        running = null;
      });
      return running;
    },
  };
}

const perDatabase = new WeakMap<Kysely<Schema>, OutboxCounter>();

/** The one bounded counter of this database connection (routes and the metrics port share it). */
export function outboxDepthOf(db: Kysely<Schema>): OutboxCounter {
  let counter = perDatabase.get(db);
  if (counter === undefined) {
    counter = createOutboxDepth(db);
    perDatabase.set(db, counter);
  }
  return counter;
}
