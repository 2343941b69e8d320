import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { DedupProof } from "../db/dedup-proof-reads.server";
import { NOUN } from "../admin/format";
import { useFormat } from "./format-context";
import { OrderLink } from "./order-link";
import { ShareBars } from "./share-bars";

// Health's dedup proof (decision 0029): of the paid orders a browser was at, how many had a browser Purchase
// that reached Tandem under the server's id (Meta counts the pair once), how many under another id, and which
// were counted by the server alone. Each bar repeats a sentence, so the figures read without the bars.
// Web orders Tandem skipped on purpose (no consent, a test order, cancelled before sending) reached Meta from
// neither side: they are said apart, never counted as "server only".
export function DedupProofCard({ proof, days, shop }: { proof: DedupProof; days: number; shop: string }) {
  const format = useFormat();
  const period = `the last ${format.count(days, NOUN.day)}`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Dedup proof
        </Text>
        {proof.browserOrders === 0 ? (
          <div data-empty-state="dedup-proof">
            <Text as="p">
              {`No paid order from ${period} has a browser record yet. For each order paid through a web checkout with the shopper present, Tandem records whether its browser Purchase reached Tandem and under which id. Orders from POS, drafts, apps and subscription renewals have no browser Purchase: the server counts them alone.`}
            </Text>
            <NotSentNote proof={proof} />
          </div>
        ) : (
          <>
            <Text as="p" data-dedup-summary>
              {`Of ${format.count(proof.browserOrders, NOUN.order)} paid through a web checkout over ${period}${proof.notSent > 0 ? " and sent to Meta" : ""}, ${format.percent(proof.sameId, proof.browserOrders) ?? "—"} had a browser Purchase that reached Tandem with the server's event id, so Meta counts each of those once.`}
            </Text>
            <ShareBars
              label="Browser Purchases by event id"
              whole={proof.browserOrders}
              noun={NOUN.order}
              items={[
                { key: "same_id", label: "Same id as the server", part: proof.sameId },
                { key: "different_id", label: "Another id", part: proof.differentId },
                { key: "server_only", label: "Server only", part: proof.serverOnly },
              ]}
            />
            {proof.differentId > 0 ? (
              <Text as="p" tone="subdued">
                {`${format.count(proof.differentId, NOUN.order)}: the browser reported its id only after the server's Purchase had gone to Meta, or the id belonged to another order. Meta may count those twice.`}
              </Text>
            ) : null}
            <ServerOnlyList proof={proof} shop={shop} />
            <NotSentNote proof={proof} />
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function ServerOnlyList({ proof, shop }: { proof: DedupProof; shop: string }) {
  const format = useFormat();
  if (proof.serverOnly === 0) {
    return <Text as="p">{proof.notSent > 0 ? "Every web order sent to Meta had its browser Purchase reach Tandem." : "Every web order's browser Purchase reached Tandem."}</Text>;
  }
  const listed = proof.recentServerOnly.length;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Server-only orders
      </Text>
      <Text as="p" tone="subdued">
        {`No browser Purchase reached Tandem for ${format.count(proof.serverOnly, NOUN.order)}: an ad blocker, no consent for the pixel, or a tab closed before the thank-you page. Meta still received the server's Purchase, and there is nothing to count twice.${proof.serverOnly > listed ? ` The latest ${format.number(listed)} are listed; Activity has them all.` : ""}`}
      </Text>
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }} aria-label="Server-only orders">
        {proof.recentServerOnly.map((order) => (
          <li key={order.orderId} data-server-only-order={order.orderId}>
            <InlineStack gap="200" blockAlign="baseline" wrap>
              <OrderLink orderId={order.orderId} orderName={order.orderName} shop={shop} />
              <Text as="span" tone="subdued" variant="bodySm">
                {format.dateTime(order.createdAt)}
              </Text>
            </InlineStack>
          </li>
        ))}
      </ul>
    </BlockStack>
  );
}

/** Web orders whose Purchase Tandem skipped on purpose: neither side reached Meta, and Activity says why. */
function NotSentNote({ proof }: { proof: DedupProof }) {
  const format = useFormat();
  if (proof.notSent === 0) return null;
  return (
    <Text as="p" tone="subdued" data-dedup-not-sent>
      {`${format.count(proof.notSent, NOUN.order)} paid through a web checkout ${proof.notSent === 1 ? "was" : "were"} not sent to Meta: skipped on purpose (no consent, a test order, tracking turned off, or cancelled before sending). They are not counted above; Activity shows the reason for each.`}
    </Text>
  );
}
