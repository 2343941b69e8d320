import type { AppContext } from "../context.server";
import { metaDestination } from "../db/outbox-types";
import { META_EVENT_WINDOW_MS } from "../delivery/retry-policy";

/**
 * By when the waiting events must go out: Meta takes an event up to 7 days after it happened, so the oldest
 * waiting event (or, with none, the pause itself) sets the date. `atRisk` are the waiting events whose window
 * closes within a day of it; `waiting` all of them.
 */
export type PauseDeadline = { sendBy: number; atRisk: number; waiting: number; expired: number };

/** One pixel paused on its own (decision 0016): its events wait, the shop's other pixels keep sending. */
export type PixelPause = { pixelId: string; reason: string; pausedAt: number; deadline: PauseDeadline };

export type Attention = {
  reason: string | null;
  pausedAt: number | null;
  /** Set while the shop is paused: the shop's waiting events. */
  deadline: PauseDeadline | null;
  paused: number;
  dead: number;
  pixels: PixelPause[];
};

type Deps = Pick<AppContext, "shops" | "outbox" | "database">;

const META_PREFIX = "meta:";
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the needs-attention banner says: the shop's paused reason (its token), each paused pixel with Meta's
 * cause, how many events wait or failed, and by when the waiting ones must be sent.
 */
export async function readAttention(deps: Deps, shop: string, nowMs = Date.now()): Promise<Attention> {
  const [config, counts, pauses] = await Promise.all([
    deps.shops.getShop(shop),
    deps.outbox.countByStatus(shop),
    deps.shops.listDestinationPauses(shop),
  ]);
  const pixels = await Promise.all(
    pauses
      .filter((pause) => pause.destination.startsWith(META_PREFIX))
      .map(async (pause) => {
        const pixelId = pause.destination.slice(META_PREFIX.length);
        const deadline = await readDeadline(deps, shop, pause.pausedAt, nowMs, metaDestination(pixelId));
        return { pixelId, reason: pause.reason, pausedAt: pause.pausedAt, deadline };
      }),
  );
  const reason = config?.needsAttentionReason ?? null;
  const pausedAt = config?.needsAttentionAt ?? null;
  const deadline = reason === null ? null : await readDeadline(deps, shop, pausedAt ?? nowMs, nowMs);
  return { reason, pausedAt, deadline, paused: counts.needs_attention, dead: counts.dead, pixels };
}

async function readDeadline(deps: Deps, shop: string, pausedAt: number, nowMs: number, destination?: string): Promise<PauseDeadline> {
  const scope = () => {
    const base = deps.database.db.selectFrom("deliveries").where("shop", "=", shop).where("status", "=", "needs_attention");
    return destination === undefined ? base : base.where("destination", "=", destination);
  };
  const windowOpenFrom = Math.floor((nowMs - META_EVENT_WINDOW_MS) / 1000);
  const [all, sendable] = await Promise.all([
    scope().select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    scope()
      .where("event_time", ">=", windowOpenFrom)
      .select((eb) => [eb.fn.min<number>("event_time").as("oldest"), eb.fn.countAll<number>().as("n")])
      .executeTakeFirst(),
  ]);
  const waiting = Number(all?.n ?? 0);
  const oldest = sendable?.oldest;
  const sendBy = (oldest === null || oldest === undefined ? pausedAt : Number(oldest) * 1000) + META_EVENT_WINDOW_MS;
  const riskBefore = Math.floor((sendBy - META_EVENT_WINDOW_MS + DAY_MS) / 1000);
  const risky = await scope()
    .where("event_time", ">=", windowOpenFrom)
    .where("event_time", "<", riskBefore)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return { sendBy, atRisk: Number(risky?.n ?? 0), waiting, expired: waiting - Number(sendable?.n ?? 0) };
}
