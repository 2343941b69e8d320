import type { AppContext } from "../context.server";
import { forEachSpan, redriveSpan } from "../db/bulk-writes.server";
import { createMaintenanceJobs, JOB_KIND } from "../db/maintenance-jobs.server";
import { UNCONFIGURED_DESTINATION } from "../db/outbox-types";

// "Send again" for failed or waiting events, from Activity and from `tandem deliveries:redrive`. Redriving
// needs-attention rows also lifts the pauses of single pixels (decision 0016), so their rows are tried
// again: if Meta still refuses the pixel, the first send pauses it again with Meta's answer. The shop-wide
// (token) pause is left as it was: only new credentials (or a passing token re-check) lift it.
// A redrive can touch a million rows: it runs in bounded chunks (decision 0020) — inline for the CLI, which
// is its own process, and as a queued maintenance job for the admin, whose request must answer at once.

type Deps = Pick<AppContext, "shops" | "database" | "queue">;

export type RedriveInput = { shop?: string; status: "dead" | "needs_attention"; nowMs: number };

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Requeues matching rows now, chunk by chunk (CLI). Returns how many. */
export async function redriveDeliveries(deps: Deps, input: RedriveInput): Promise<number> {
  if (input.status === "needs_attention") await deps.shops.resumeDestinations(input.shop);
  let count = 0;
  const filter = { status: input.status, ...(input.shop !== undefined && { shop: input.shop }) };
  await forEachSpan(
    deps.database,
    async (span) => {
      count += await redriveSpan(deps.database, span, filter, input.nowMs);
      return true;
    },
    yieldTurn,
  );
  if (count > 0 && input.shop !== undefined) await deps.queue.notify(input.shop, []);
  return count;
}

/** The most rows a queued redrive reports up front (a bounded count, read through the shop's status index). */
export const REDRIVE_COUNT_CAP = 10_000;

/**
 * Queues a redrive of one shop's rows (admin). Returns how many rows it will requeue, counted up to
 * REDRIVE_COUNT_CAP; the maintenance loop requeues them within a second or two.
 */
export async function queueRedrive(deps: Deps, input: RedriveInput & { shop: string }): Promise<number> {
  if (input.status === "needs_attention") await deps.shops.resumeDestinations(input.shop);
  const counted = await deps.database.db
    .selectFrom((eb) =>
      eb
        .selectFrom("deliveries")
        .select("id")
        .where("shop", "=", input.shop)
        .where("status", "=", input.status)
        .where("payload", "is not", null)
        .where("destination", "!=", UNCONFIGURED_DESTINATION)
        .limit(REDRIVE_COUNT_CAP)
        .as("candidates"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  const count = Number(counted?.n ?? 0);
  if (count > 0) await createMaintenanceJobs(deps.database).enqueue(JOB_KIND.redrive, input.shop, { status: input.status }, input.nowMs);
  return count;
}
