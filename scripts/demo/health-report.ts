import { healthSummary } from "../../app/admin/health.server";
import type { Services } from "../../app/services";

// Health's dedup proof (decision 0029) as the admin's Health page computes it — the same healthSummary call
// its loader makes — printed with the card's own labels. Shopify's paid-order count needs the Admin API,
// which the demo has no store for; the dedup proof does not use it.

export const HEALTH_DAYS = 7;

export async function dedupProofLines(services: Pick<Services, "database">, shop: string, nowMs: number): Promise<string[]> {
  const { dedupProof: proof } = await healthSummary(services, shop, HEALTH_DAYS, nowMs);
  const names = proof.recentServerOnly.map((order) => order.orderName ?? order.orderId).join(", ");
  return [
    `paid orders: ${proof.paidOrders}, of which paid through a web checkout with the shopper present: ${proof.browserOrders + proof.serverWaiting + proof.notSent + proof.serverFailed}`,
    `  same id as the server: ${proof.sameId}   another id: ${proof.differentId}   server only: ${proof.serverOnly}${names ? ` (${names})` : ""}`,
    // Not at Meta from the server yet (queued, retrying, or waiting for the shop's Meta setup): in none of the shares until sent.
    `  still on the way to Meta from the server: ${proof.serverWaiting - proof.serverWaitingForSetup}   waiting for the shop's Meta setup: ${proof.serverWaitingForSetup}`,
    // Skipped on purpose (no consent, a test order): neither side reached Meta, so it is in none of the shares.
    `  not sent to Meta (skipped on purpose, see Activity): ${proof.notSent}`,
    // Meta refused the server's Purchase or its retries ran out: in none of the shares either; Activity retries it.
    `  server Purchase failed (Meta refused it or retries ran out, see Activity): ${proof.serverFailed}`,
  ];
}
