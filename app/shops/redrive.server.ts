import type { AppContext } from "../context.server";

// "Send again" for failed or waiting events, from Activity and from `tandem deliveries:redrive`. Redriving
// needs-attention rows also lifts the pauses of single pixels (decision 0016), so their rows are tried
// again: if Meta still refuses the pixel, the first send pauses it again with Meta's answer. The shop-wide
// (token) pause is left as it was: only new credentials lift it, as before.

type Deps = Pick<AppContext, "shops" | "outbox" | "queue">;

export type RedriveInput = { shop?: string; status: "dead" | "needs_attention"; nowMs: number };

export async function redriveDeliveries(deps: Deps, input: RedriveInput): Promise<number> {
  if (input.status === "needs_attention") await deps.shops.resumeDestinations(input.shop);
  const count = await deps.outbox.redrive(input);
  if (count > 0 && input.shop !== undefined) await deps.queue.notify(input.shop, []);
  return count;
}
