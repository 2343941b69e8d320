import type { Services } from "../services";
import { forEachSpan, redriveSpan } from "../db/bulk-writes.server";
import { countRedrivable } from "../db/delivery-reads.server";
import { createMaintenanceJobs, JOB_KIND } from "../db/maintenance-jobs.server";
import { metaDestination, withPixelIds } from "../destinations/destination-key";
import type { MetaAccessCheck } from "../destinations/meta/check-access.server";
import { plainShopPause } from "../admin/pause-words";
import { env, type Env } from "../env.server";
import { accessCheckFromEnv, verifyCredentials } from "./verify-credentials.server";

// "Send again" for failed or waiting events, from Activity and from `tandem deliveries:redrive`. A retry is
// refused while its cause stands (decision 0022): before rows move, Meta is asked once whether the paused
// token and each paused pixel are accepted now. A shop whose token Meta still refuses keeps its rows where
// they are, with their reason, and the caller is told why; a pixel Meta now reaches is lifted and its rows
// are sent, a pixel it still does not know stays paused. Rows are never made due under a standing shop pause:
// the worker skips a paused shop, so they would wait as "pending" with no reason.
// A redrive can touch a million rows: it runs in bounded chunks (decision 0020) — inline for the CLI, which
// is its own process, and as a queued maintenance job for the admin, whose request must answer at once.

type Deps = Pick<Services, "shops" | "database" | "queue"> & {
  /** Where Meta is asked; by default the parsed environment's Graph API. */
  env?: Pick<Env, "META_GRAPH_URL" | "META_GRAPH_VERSION">;
  checkAccess?: MetaAccessCheck;
};

/** Why a retry cannot go ahead now, in the merchant's words; null when it can. */
export type RedriveGate = { ok: true } | { ok: false; reason: string };

const KEEP_WAITING = "Retry is not possible until then; the waiting events stay as they are.";

/**
 * Confirms with Meta that the causes of the shop's pauses are gone, lifting those that are. Refuses while
 * the shop-wide pause stands, or when the retry is for waiting events and every paused pixel is still refused.
 */
export async function openRedrive(deps: Deps, shop: string, status: RedriveInput["status"]): Promise<RedriveGate> {
  const config = await deps.shops.getShop(shop);
  const pixelPauses = withPixelIds(await deps.shops.listDestinationPauses(shop));
  const shopReason = config?.needsAttentionReason ?? null;
  if (shopReason === null && (status === "dead" || pixelPauses.length === 0)) return { ok: true };

  const accessToken = await deps.shops.getAccessToken(shop);
  if (config === null || accessToken === null || config.pixelIds.length === 0) {
    return { ok: false, reason: `${shopReason === null ? "" : plainShopPause(shopReason) + " "}Save a pixel ID and an access token in Settings. ${KEEP_WAITING}` };
  }
  const check = await verifyCredentials(deps.checkAccess ?? accessCheckFromEnv(deps.env ?? env()), { pixelIds: config.pixelIds, accessToken });
  if (check.unreachable !== null) {
    return { ok: false, reason: `Meta could not be reached to check the access token. Try again in a minute. ${KEEP_WAITING}` };
  }
  if (shopReason !== null) {
    if (!check.tokenConfirmed) {
      return { ok: false, reason: `${plainShopPause(shopReason)} Paste a new access token in Settings. ${KEEP_WAITING}` };
    }
    await deps.shops.clearNeedsAttention(shop);
  }
  let stillPaused = 0;
  for (const { pixelId } of pixelPauses) {
    // A pixel no longer in the settings has nothing to confirm: its rows are marked so when tried.
    if (check.confirmedPixels.includes(pixelId) || !config.pixelIds.includes(pixelId)) {
      await deps.shops.resumeDestination(shop, metaDestination(pixelId));
    } else {
      stillPaused += 1;
    }
  }
  if (status === "needs_attention" && shopReason === null && stillPaused === pixelPauses.length) {
    const ids = check.unknownPixels.map((pixel) => pixel.pixelId).join(", ");
    return {
      ok: false,
      reason: `Meta still does not know pixel ${ids}, or the access token cannot reach it. Fix it in Events Manager or Settings. ${KEEP_WAITING}`,
    };
  }
  return { ok: true };
}

export type RedriveInput = { shop?: string; status: "dead" | "needs_attention"; nowMs: number };

/**
 * Where the rows move: `now`, chunk by chunk in this process (the CLI, which is a process of its own and
 * reports what moved), or `queued` as a maintenance job (the admin, whose request must answer at once; the
 * count is then the rows it will requeue, up to REDRIVE_COUNT_CAP).
 */
export type RedriveRun = "now" | "queued";

export type RedriveOutcome = { redriven: number; refused: Array<{ shop: string; reason: string }> };

/** The most rows a queued redrive reports up front (a bounded count, read through the shop's status index). */
export const REDRIVE_COUNT_CAP = 10_000;

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function moveNow(deps: Deps, shop: string, input: RedriveInput): Promise<number> {
  let count = 0;
  await forEachSpan(
    deps.database,
    async (span) => {
      count += await redriveSpan(deps.database, span, { status: input.status, shop }, input.nowMs);
      return true;
    },
    yieldTurn,
  );
  if (count > 0) await deps.queue.notify(shop);
  return count;
}

async function moveQueued(deps: Deps, shop: string, input: RedriveInput): Promise<number> {
  const count = await countRedrivable(deps.database, shop, input.status, REDRIVE_COUNT_CAP);
  if (count > 0) await createMaintenanceJobs(deps.database).enqueue(JOB_KIND.redrive, shop, { status: input.status }, input.nowMs);
  return count;
}

/**
 * The one "send again" use case, for the CLI and the admin alike: shop by shop (every shop without one), the
 * gate first; a shop whose cause stands is left alone and listed with the reason, the others' rows move.
 */
export async function redrive(deps: Deps, input: RedriveInput, run: RedriveRun): Promise<RedriveOutcome> {
  const shops = input.shop !== undefined ? [input.shop] : (await deps.shops.listShops()).map((config) => config.shop);
  let redriven = 0;
  const refused: RedriveOutcome["refused"] = [];
  for (const shop of shops) {
    const gate = await openRedrive(deps, shop, input.status);
    if (!gate.ok) refused.push({ shop, reason: gate.reason });
    else redriven += await (run === "now" ? moveNow : moveQueued)(deps, shop, input);
  }
  return { redriven, refused };
}

/** Requeues matching rows now, chunk by chunk (CLI), shop by shop; a shop whose cause stands is left alone. */
export async function redriveWithReasons(deps: Deps, input: RedriveInput): Promise<RedriveOutcome> {
  return redrive(deps, input, "now");
}

/** Requeues matching rows now. Returns how many; shops whose cause stands are skipped. */
export async function redriveDeliveries(deps: Deps, input: RedriveInput): Promise<number> {
  return (await redrive(deps, input, "now")).redriven;
}

/** The admin's retry of one shop: queued, or refused with the reason while its cause stands. */
export async function queueRedriveOrRefuse(
  deps: Deps,
  input: RedriveInput & { shop: string },
): Promise<{ queued: number; refused: string | null }> {
  const { redriven, refused } = await redrive(deps, input, "queued");
  return { queued: redriven, refused: refused[0]?.reason ?? null };
}
