import { PAUSE_SCOPE, pauseScopeOf } from "../destinations/meta/classify-error";
import type { MetaSendFailure } from "../destinations/meta/types";
import type { DeliveryDeps } from "./delivery-deps";
import { readEventPayload } from "./event-payload";
import {
  deadReasonForPayload,
  describeMetaFailure,
  MISSING_PIXEL,
  MISSING_TOKEN,
  pixelPausedReason,
  pixelRemovedReason,
  TOO_OLD_BEFORE_SEND,
  TOO_OLD_GAVE_UP,
  UNKNOWN_SHOP,
} from "./outcome-reason";
import type { DeliveryGroup } from "./plan-batches";
import { chunk } from "../lib/chunk";
import { errorMessage } from "../lib/error-message";
import type { ClaimedDelivery } from "./ports";
import { isTooOld, nextAttemptAt } from "./retry-policy";
import { createRecorder, type Recorder } from "./recorder.server";
import type { RunSummary } from "./run-summary";

type Item = { row: ClaimedDelivery; event: Record<string, unknown> };
// The lease this pass holds. No new request starts in its last quarter: a request still in flight when the
// lease ends could be repeated by a worker that reclaims the rows. `owner` is the name the rows were leased
// under; the outcomes are recorded under it (decision 0036).
export type LeaseWindow = { claimedAtMs: number; leaseMs: number; owner: string };
type Target = { pixelId: string; accessToken: string; sendBy: number };
type Resolved = { ok: true; target: Omit<Target, "sendBy"> } | { ok: false; reason: string; pauseShop: boolean };

// Delivers one (shop, pixel) group: resolve where to send, drop what cannot be sent, then send batch by
// batch. Batches of one group run one after another, so a configuration error stops the rest of the group
// without further calls to Meta. The pause is as wide as its cause (decision 0016): a refused token pauses
// the shop (the claim skips it); a pixel Meta does not know pauses that pixel, whose rows then wait as
// needs_attention without a call to Meta, while the shop's other pixels keep sending.
export async function deliverGroup(
  group: DeliveryGroup,
  deps: DeliveryDeps,
  summary: RunSummary,
  lease: LeaseWindow,
): Promise<void> {
  const rec = createRecorder(group, deps, summary, lease.owner);
  const sendBy = lease.claimedAtMs + Math.floor((lease.leaseMs * 3) / 4);
  try {
    const resolved = await resolveTarget(group, deps);
    if (!resolved.ok) {
      await rec.needsAttention(group.rows, resolved.reason, null);
      if (resolved.pauseShop) await deps.shops.markNeedsAttention(group.shop, resolved.reason, deps.now());
      return;
    }
    const items = await prepareItems(group.rows, deps, rec);
    let halted: string | null = null;
    for (const batch of chunk(items, deps.batchSize)) {
      if (halted !== null) await rec.needsAttention(batch.map((i) => i.row), halted, null);
      else halted = await sendBatch(batch, { ...resolved.target, sendBy }, group, deps, rec);
    }
  } catch (error) {
    // A storage or programming error: leave the rest for another pass (the lease is released or expires).
    summary.errors += 1;
    deps.logger.error(
      { shop: group.shop, destination: group.destination, err: errorMessage(error) },
      "delivery group failed unexpectedly",
    );
    await rec.releaseUnrecorded();
  }
}

async function resolveTarget(group: DeliveryGroup, deps: DeliveryDeps): Promise<Resolved> {
  const shop = await deps.shops.getShop(group.shop);
  if (!shop) return { ok: false, reason: UNKNOWN_SHOP, pauseShop: false };
  if (group.pixelId === null) return { ok: false, reason: MISSING_PIXEL, pauseShop: true };
  // A pixel the merchant removed is a per-row matter: the shop's other pixels keep flowing.
  if (!shop.pixelIds.includes(group.pixelId)) {
    return { ok: false, reason: pixelRemovedReason(group.pixelId), pauseShop: false };
  }
  const pause = await deps.shops.getDestinationPause(group.shop, group.destination);
  if (pause) return { ok: false, reason: pixelPausedReason(group.pixelId, pause.reason), pauseShop: false };
  const accessToken = await deps.shops.getAccessToken(group.shop);
  if (!accessToken) return { ok: false, reason: MISSING_TOKEN, pauseShop: true };
  // Never the shop's test_event_code: Meta does not drop test events, so a saved code left on live sends would
  // mark real purchases as tests. Only "Send test event" uses it (decision 0016).
  return { ok: true, target: { pixelId: group.pixelId, accessToken } };
}

// Meta fails the whole request for one malformed or too-old event, so such rows never go into a batch.
async function prepareItems(rows: readonly ClaimedDelivery[], deps: DeliveryDeps, rec: Recorder): Promise<Item[]> {
  const nowMs = deps.now();
  const items: Item[] = [];
  const tooOld: ClaimedDelivery[] = [];
  for (const row of rows) {
    const check = readEventPayload(row.payload);
    if (!check.ok) await rec.dead([row], check.reason, null);
    else if (isTooOld(row.eventTime, nowMs)) tooOld.push(row);
    else items.push({ row, event: check.event });
  }
  if (tooOld.length > 0) await rec.dead(tooOld, TOO_OLD_BEFORE_SEND, null);
  return items;
}

// Returns the halt reason after a configuration error, else null.
async function sendBatch(
  items: Item[],
  target: Target,
  group: DeliveryGroup,
  deps: DeliveryDeps,
  rec: Recorder,
): Promise<string | null> {
  if (deps.now() >= target.sendBy) {
    // Out of lease time (e.g. a long split under slow responses): hand the rows back for the next pass.
    await rec.release(items.map((i) => i.row));
    return null;
  }
  rec.countRequest();
  await rec.sending(items.map((i) => i.row));
  const result = await deps.client.sendEvents({
    pixelId: target.pixelId,
    accessToken: target.accessToken,
    events: items.map((i) => i.event),
  });
  const rows = items.map((i) => i.row);
  if (result.ok) {
    await rec.sent(rows, result.fbtraceId, result.eventsReceived);
    return null;
  }
  rec.logFailure(rows, result);
  if (result.errorClass === "transient") {
    await scheduleRetry(rows, result, deps, rec);
    return null;
  }
  if (result.errorClass === "configuration") {
    const cause = describeMetaFailure(result);
    if (pauseScopeOf(result) === PAUSE_SCOPE.destination) {
      // Pause before marking: should the pause fail to be written, the rows go back unrecorded and are retried.
      await deps.shops.pauseDestination(group.shop, group.destination, cause, deps.now());
      const reason = pixelPausedReason(target.pixelId, cause);
      await rec.needsAttention(rows, reason, result.fbtraceId);
      return reason;
    }
    // One refusal is not enough to stop a shop: Meta has reported valid tokens as 190 for a moment. One read
    // with the same token decides (decision 0025).
    if (!(await tokenRefusalConfirmed(target, deps))) {
      deps.counters.recordTokenErrorUnconfirmed();
      await scheduleRetry(rows, result, deps, rec, `${TOKEN_ERROR_UNCONFIRMED}: ${describeMetaFailure(result)}`);
      return null;
    }
    await rec.needsAttention(rows, cause, result.fbtraceId);
    await deps.shops.markNeedsAttention(group.shop, cause, deps.now(), deps.now() + deps.tokenRecheckFirstMs);
    return cause;
  }
  if (items.length === 1) {
    await rec.dead(rows, deadReasonForPayload(result), result.fbtraceId);
    return null;
  }
  // One bad event rejects the whole batch: halve until each failure is a single event, so only it is lost.
  const middle = Math.ceil(items.length / 2);
  const halted = await sendBatch(items.slice(0, middle), target, group, deps, rec);
  if (halted !== null) {
    await rec.needsAttention(items.slice(middle).map((i) => i.row), halted, null);
    return halted;
  }
  return sendBatch(items.slice(middle), target, group, deps, rec);
}

const TOKEN_ERROR_UNCONFIRMED = "transient: Meta refused the access token once, and accepted it when asked again";

// Asks Meta, with the token it just refused, to read the pixel. Only a second token refusal confirms: an
// accepted token, a pixel Meta cannot load (the token was accepted before that) or no answer do not.
async function tokenRefusalConfirmed(target: Target, deps: DeliveryDeps): Promise<boolean> {
  if (deps.client.checkAccess === undefined) return true;
  const answer = await deps.client.checkAccess({ pixelId: target.pixelId, accessToken: target.accessToken });
  return !answer.ok && answer.errorClass === "configuration" && pauseScopeOf(answer) === PAUSE_SCOPE.token;
}

async function scheduleRetry(
  rows: ClaimedDelivery[],
  failure: MetaSendFailure,
  deps: DeliveryDeps,
  rec: Recorder,
  reason = `transient: ${describeMetaFailure(failure)}`,
) {
  const nowMs = deps.now();
  // One draw per batch: rows that failed together come back together, as one batch again.
  const draw = deps.random();
  const byTime = new Map<number, ClaimedDelivery[]>();
  const giveUp: ClaimedDelivery[] = [];
  for (const row of rows) {
    const decision = nextAttemptAt({
      attempt: row.attempts + 1, // the outbox counts attempts when it records them
      nowMs,
      eventTimeS: row.eventTime,
      random: () => draw,
      baseMs: deps.retry.baseMs,
      capMs: deps.retry.capMs,
    });
    if ("giveUp" in decision) giveUp.push(row);
    else byTime.set(decision.retryAt, [...(byTime.get(decision.retryAt) ?? []), row]);
  }
  for (const [retryAt, due] of byTime) await rec.retry(due, retryAt, reason);
  if (giveUp.length > 0) await rec.dead(giveUp, `${TOO_OLD_GAVE_UP}; last error: ${reason}`, failure.fbtraceId);
}
