import { BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { DedupProof, ListedOrder } from "../db/dedup-proof-reads.server";
import { NOUN, type Noun } from "../admin/format";
import { useFormat } from "./format-context";
import { OrderLink } from "./order-link";
import { ShareBars } from "./share-bars";

// Health's dedup proof (decision 0029): of the paid orders a browser was at, how many had a browser Purchase
// that reached Tandem under the server's id (Meta counts the pair once), how many under another id, and which
// were counted by the server alone. Each bar repeats a sentence, so the figures read without the bars.
// The shares are of web orders whose server Purchase was sent: one still queued, retrying, or waiting for the
// merchant to fix the shop's Meta setup is not at Meta yet, so it is said apart until it is sent.
// Web orders Tandem skipped on purpose (no consent, a test order, cancelled before sending) reached Meta from
// neither side: they are said apart, never counted as "server only". Web orders whose server Purchase failed for
// good (Meta refused it, or the retries ran out) are said and listed apart too: "same id" or "server only" would
// claim Meta had the server's event, and the merchant can send them again from Activity.

// Polaris Text passes no data-* attribute on, so the sentences' test hooks sit on a wrapper element.

const WAS: Noun = { one: "was", other: "were" };
const ITS: Noun = { one: "its", other: "their" };
const IT: Noun = { one: "it", other: "them" };
const IT_SUBJECT: Noun = { one: "it", other: "they" };
const IT_IS: Noun = { one: "It is", other: "They are" };
const IS: Noun = { one: "is", other: "are" };
const WAITS: Noun = { one: "waits", other: "wait" };

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
              {`${apart(proof) ? `No order paid through a web checkout over ${period} has its server Purchase sent to Meta yet, so there is no pairing to show.` : `No paid order from ${period} has a browser record yet.`} For each order paid through a web checkout with the shopper present, Tandem records whether its browser Purchase reached Tandem and under which id. Orders from POS, drafts, apps and subscription renewals have no browser Purchase: the server counts them alone.`}
            </Text>
            <ServerWaitingNote proof={proof} />
            <ServerFailedList proof={proof} shop={shop} />
            <NotSentNote proof={proof} />
          </div>
        ) : (
          <>
            <div data-dedup-summary>
              <Text as="p">
                {`Of ${format.count(proof.browserOrders, NOUN.order)} paid through a web checkout over ${period}${apart(proof) ? " and sent to Meta" : ""}, ${format.percent(proof.sameId, proof.browserOrders) ?? "—"} had a browser Purchase that reached Tandem with the server's event id, so Meta counts each of those once.`}
              </Text>
            </div>
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
            <ServerWaitingNote proof={proof} />
            <ServerFailedList proof={proof} shop={shop} />
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
    return <Text as="p">{apart(proof) ? "Every web order sent to Meta had its browser Purchase reach Tandem." : "Every web order's browser Purchase reached Tandem."}</Text>;
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
      <OrderList label="Server-only orders" kind="server-only" orders={proof.recentServerOnly} shop={shop} />
    </BlockStack>
  );
}

/**
 * Web orders whose server Purchase is not at Meta yet: queued or retrying (they go on their own), or held or
 * paused until the merchant fixes the shop's Meta setup (they may never go, so those are said as theirs to fix).
 */
function ServerWaitingNote({ proof }: { proof: DedupProof }) {
  const format = useFormat();
  const waiting = proof.serverWaiting;
  if (waiting === 0) return null;
  const setup = proof.serverWaitingForSetup;
  const onItsWay = waiting - setup;
  const web = "paid through a web checkout";
  const setupWords = "Meta refused the shop's settings, or no pixel is saved yet";
  const lead =
    setup === 0
      ? `${format.count(onItsWay, NOUN.order)} ${web} ${format.noun(onItsWay, IS)} still on ${format.noun(onItsWay, ITS)} way to Meta from the server (queued or retrying).`
      : onItsWay === 0
        ? `${format.count(setup, NOUN.order)} ${web} ${format.noun(setup, WAITS)} for you to fix the shop's Meta setup before the server's Purchase can reach Meta (${setupWords}).`
        : `${format.count(waiting, NOUN.order)} ${web} have not reached Meta from the server yet: ${format.number(onItsWay)} ${format.noun(onItsWay, IS)} still on ${format.noun(onItsWay, ITS)} way (queued or retrying), and ${format.number(setup)} ${format.noun(setup, WAITS)} for you to fix the shop's Meta setup (${setupWords}).`;
  return (
    <BlockStack gap="200">
      <div data-dedup-server-waiting>
        <Text as="p" tone="subdued">
          {`${lead} ${format.noun(waiting, IT_IS)} not counted above until ${format.noun(waiting, ITS)} server Purchase is sent.`}
        </Text>
      </div>
      {setup > 0 ? (
        <Text as="p">
          <Link url="/app/settings">Open settings</Link>
        </Text>
      ) : null}
    </BlockStack>
  );
}

/** Web orders whose server Purchase failed for good: not in the shares, listed so the merchant can send them again. */
function ServerFailedList({ proof, shop }: { proof: DedupProof; shop: string }) {
  const format = useFormat();
  const failed = proof.serverFailed;
  if (failed === 0) return null;
  const listed = proof.recentServerFailed.length;
  const noBrowser = proof.serverFailedNoBrowser;
  const neither =
    noBrowser === 0
      ? ""
      : noBrowser === failed
        ? ` No browser Purchase reached Tandem for ${format.noun(failed, IT)} either, so ${format.noun(failed, IT_SUBJECT)} reached Meta from neither side.`
        : ` For ${format.number(noBrowser)} of them no browser Purchase reached Tandem either, so those reached Meta from neither side.`;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Server Purchase failed
      </Text>
      <div data-dedup-server-failed>
        <Text as="p" tone="subdued">
          {`${format.count(failed, NOUN.order)} paid through a web checkout ${format.noun(failed, WAS)} not received by Meta from the server: Meta refused ${format.noun(failed, ITS)} Purchase, or the retries ran out. ${format.noun(failed, IT_IS)} not counted above.${neither} Activity's "Retry failed" sends ${format.noun(failed, IT)} again.${failed > listed ? ` The latest ${format.number(listed)} are listed; Activity has them all.` : ""}`}
        </Text>
      </div>
      <OrderList label="Orders whose server Purchase failed" kind="server-failed" orders={proof.recentServerFailed} shop={shop} />
      <Text as="p">
        <Link url="/app/activity?status=dead">See failed events in Activity</Link>
      </Text>
    </BlockStack>
  );
}

function OrderList({ label, kind, orders, shop }: { label: string; kind: "server-only" | "server-failed"; orders: ListedOrder[]; shop: string }) {
  const format = useFormat();
  return (
    <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }} aria-label={label}>
      {orders.map((order) => (
        <li key={order.orderId} {...{ [`data-${kind}-order`]: order.orderId }}>
          <InlineStack gap="200" blockAlign="baseline" wrap>
            <OrderLink orderId={order.orderId} orderName={order.orderName} shop={shop} />
            <Text as="span" tone="subdued" variant="bodySm">
              {format.dateTime(order.createdAt)}
            </Text>
          </InlineStack>
        </li>
      ))}
    </ul>
  );
}

/** Web orders that are in no share: skipped on purpose, their server Purchase not sent yet, or failed for good. */
function apart(proof: DedupProof): boolean {
  return proof.notSent > 0 || proof.serverWaiting > 0 || proof.serverFailed > 0;
}

/** Web orders whose Purchase Tandem skipped on purpose: neither side reached Meta, and Activity says why. */
function NotSentNote({ proof }: { proof: DedupProof }) {
  const format = useFormat();
  if (proof.notSent === 0) return null;
  return (
    <div data-dedup-not-sent>
      <Text as="p" tone="subdued">
        {`${format.count(proof.notSent, NOUN.order)} paid through a web checkout ${format.noun(proof.notSent, WAS)} not sent to Meta: skipped on purpose (no consent, a test order, tracking turned off, or cancelled before sending). ${format.noun(proof.notSent, IT_IS)} not counted above; Activity shows the reason for each.`}
      </Text>
    </div>
  );
}
