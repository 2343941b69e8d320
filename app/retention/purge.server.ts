import type { AppContext } from "../context.server";

// What retention keeps (DESIGN §5–§6, docs/decisions/0007): the hashed event payload of a finished row is
// only needed to re-send it, so it goes after RETENTION_PAYLOAD_DAYS; the row itself (status, fbtrace_id,
// reason) answers "did this order reach Meta?" and goes after RETENTION_METADATA_DAYS. Webhook receipts only
// short-cut Shopify's redeliveries (retried for at most 48 h; the outbox's unique key is the real guard), so
// they follow the shorter payload period. Rows still pending, retrying, held or needing attention are never
// touched: they have not finished.

export const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionPolicy = { payloadDays: number; metadataDays: number };
export type RetentionResult = { payloadsPurged: number; rowsDeleted: number; receiptsDeleted: number };
type Deps = {
  outbox: Pick<AppContext["outbox"], "purgePayloads" | "purgeMetadata">;
  receipts: Pick<AppContext["receipts"], "purgeOlderThan">;
};

export function retentionPolicyFrom(env: { RETENTION_PAYLOAD_DAYS: number; RETENTION_METADATA_DAYS: number }): RetentionPolicy {
  return { payloadDays: env.RETENTION_PAYLOAD_DAYS, metadataDays: env.RETENTION_METADATA_DAYS };
}

export async function purgeExpired(deps: Deps, policy: RetentionPolicy, nowMs: number): Promise<RetentionResult> {
  const payloadCutoff = nowMs - policy.payloadDays * DAY_MS;
  // A row is never deleted before its payload period ends: a metadata period shorter than that is raised.
  const metadataCutoff = nowMs - Math.max(policy.metadataDays, policy.payloadDays) * DAY_MS;
  const rowsDeleted = await deps.outbox.purgeMetadata({ olderThanMs: metadataCutoff });
  const payloadsPurged = await deps.outbox.purgePayloads({ olderThanMs: payloadCutoff });
  const receiptsDeleted = await deps.receipts.purgeOlderThan(payloadCutoff);
  return { payloadsPurged, rowsDeleted, receiptsDeleted };
}
