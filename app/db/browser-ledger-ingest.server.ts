import type { Kysely } from "kysely";
import type { NewDelivery } from "./outbox-types";
import type { Schema } from "./schema";

// The browser ledger at ingest (decision 0029). browser_purchase_ids says which event id the browser's
// Purchase used for a checkout (migration 0011). An order's Purchase takes that id when the ledger has it, so
// the browser and server ids cannot drift apart. When it does not have it yet — the webhook often arrives
// before the thank-you page has reported — rows of a shop whose storefront reports purchases are stored due
// BROWSER_REPORT_WAIT_MS later, and the claim looks the ledger up once more before the first send
// (browser-ledger-claim.server.ts). A shop that has never reported a browser purchase is not made to wait.

/** How long a Purchase waits for its browser's report: the most a report can delay it. */
export const BROWSER_REPORT_WAIT_MS = 2 * 60_000;
/** status_reason of a pending row waiting for its browser's report; the claim looks only at rows carrying it. */
export const AWAITING_BROWSER_REPORT = "awaiting_browser_report";
export const BROWSER_LEDGER_PROVENANCE = "browser_ledger" as const;

/** The browser side of an order whose Purchase a browser was at. */
export type BrowserTwin = { checkoutToken: string };

/** What an ingest write carries for the ledger; `claim` gains what order_events records (migration 0012). */
export type LedgerWrite = {
  shop: string;
  rows: readonly NewDelivery[];
  browser?: BrowserTwin | null;
  claim?: { eventId: string; checkoutToken?: string | null; browserEventId?: string | null } | null;
};

const tokenKey = (shop: string, token: string) => `${shop}\n${token}`;

/**
 * Returns the writes as they are to be stored: under the browser's id when the ledger has one for the order's
 * checkout, due BROWSER_REPORT_WAIT_MS later when it has none yet and the shop's storefront reports purchases,
 * else unchanged. One read per batch of webhooks, two when a shop in it reports purchases, none when no write
 * names a checkout.
 */
export async function withBrowserLedger<W extends LedgerWrite>(db: Kysely<Schema>, writes: readonly W[], nowMs: number): Promise<W[]> {
  const browsed = writes.filter((write) => write.browser && write.claim);
  if (browsed.length === 0) return [...writes];
  const shops = [...new Set(browsed.map((write) => write.shop))];
  // The shops table has one row per shop, so this is one index probe per shop, however long its ledger. A shop
  // that never reported has nothing in the ledger either: its writes need no second read.
  const reporting = await db
    .selectFrom("shops as s")
    .select("s.shop")
    .where("s.shop", "in", shops)
    .where(({ exists, selectFrom }) => exists(selectFrom("browser_purchase_ids as b").select("b.shop").whereRef("b.shop", "=", "s.shop")))
    .execute();
  const reports = new Set(reporting.map((row) => row.shop));
  const asked = browsed.filter((write) => reports.has(write.shop));
  const tokens = [...new Set(asked.map((write) => (write.browser as BrowserTwin).checkoutToken))];
  const found =
    asked.length === 0
      ? []
      : await db
          .selectFrom("browser_purchase_ids")
          .select(["shop", "checkout_token", "event_id"])
          .where("shop", "in", [...reports])
          .where("checkout_token", "in", tokens)
          .execute();
  const ledger = new Map(found.map((row) => [tokenKey(row.shop, row.checkout_token), row.event_id]));
  return writes.map((write) => {
    if (!write.browser || !write.claim) return write;
    const browserId = ledger.get(tokenKey(write.shop, write.browser.checkoutToken)) ?? null;
    const claim = { ...write.claim, checkoutToken: write.browser.checkoutToken, browserEventId: browserId };
    if (browserId !== null) return { ...write, claim: { ...claim, eventId: browserId }, rows: write.rows.map((row) => underBrowserId(row, browserId)) };
    if (!reports.has(write.shop)) return { ...write, claim };
    return { ...write, claim, rows: write.rows.map((row) => awaitingReport(row, nowMs + BROWSER_REPORT_WAIT_MS)) };
  });
}

/** A row under the browser's id; a row already under it keeps its provenance (the cart's id is the browser's). */
function underBrowserId(row: NewDelivery, browserId: string): NewDelivery {
  if (row.eventId === browserId) return row;
  return {
    ...row,
    eventId: browserId,
    provenance: BROWSER_LEDGER_PROVENANCE,
    payload: row.payload === null ? null : { ...row.payload, event_id: browserId },
  };
}

function awaitingReport(row: NewDelivery, dueMs: number): NewDelivery {
  // Held and skipped rows are not sent now anyway; only a row about to be sent waits.
  if (row.status !== "pending") return row;
  return { ...row, nextAttemptAt: Math.max(row.nextAttemptAt, dueMs), statusReason: AWAITING_BROWSER_REPORT };
}
