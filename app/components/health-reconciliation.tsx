import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { HealthCounts, Reconciliation, SkipReasonKey } from "../admin/health.server";
import { NOUN } from "../admin/format";
import { useFormat } from "./format-context";

const SKIP_WORDS: Record<SkipReasonKey, string> = {
  no_consent: "No marketing consent",
  no_consent_unknown: "Consent unknown (this shop sends only with consent)",
  test_order: "Test orders",
  no_shopper_not_sent: "No shopper present (not sent, as set)",
  paid_too_late: "Paid after Meta's 7-day window (not sent, as set)",
  cancelled_before_sending: "Cancelled before its Purchase was sent",
  turned_off: "Tracking turned off",
};

type Line = { key: string; label: string; count: number; note?: string; tone?: "critical" | "warning" };

/** Shopify's paid orders for the period, and what became of each: delivered, skipped on purpose, or not (yet). */
export function ReconciliationCard({ totals, reconciliation, days }: { totals: HealthCounts; reconciliation: Reconciliation; days: number }) {
  const format = useFormat();
  const { reference, accountedFor, notReceived } = reconciliation;
  const share = format.percent(accountedFor, reference);
  const skipped: Line[] = (Object.keys(SKIP_WORDS) as SkipReasonKey[])
    .filter((reason) => reason !== "test_order" && totals.skipped[reason] > 0)
    .map((reason) => ({ key: `skipped-${reason}`, label: `Skipped on purpose: ${SKIP_WORDS[reason]}`, count: totals.skipped[reason] }));
  const lines: Line[] = [
    { key: "delivered", label: "Delivered to Meta", count: totals.delivered },
    ...skipped,
    { key: "on-the-way", label: "On the way (queued, retrying or waiting for setup)", count: totals.onTheWay },
    { key: "needs-attention", label: "Waiting: Meta refused the shop's settings", count: totals.needsAttention, tone: "warning" },
    { key: "failed", label: "Failed", count: totals.failed, tone: "critical" },
  ];
  if (reconciliation.source === "shopify") {
    lines.push({
      key: "not-received",
      label: "Not received by Tandem",
      count: notReceived,
      tone: "critical",
      note: "Shopify counted these paid orders, but their webhook never reached Tandem: check that the app is installed and its orders/paid subscription exists.",
    });
  }
  const shown = lines.filter((line) => line.count > 0 || line.key === "delivered");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Orders accounted for
        </Text>
        <div data-reconciliation>
          <Text as="p">
          {reconciliation.source === "shopify"
            ? `${format.number(accountedFor)} of ${format.count(reference, NOUN.order)} Shopify counted as paid in the last ${format.count(days, NOUN.day)} are accounted for${share === null ? "" : ` (${share})`}: delivered to Meta, or skipped on purpose.`
            : `${format.number(accountedFor)} of ${format.count(reference, NOUN.order)} Tandem received in the last ${format.count(days, NOUN.day)} are accounted for${share === null ? "" : ` (${share})`}: delivered to Meta, or skipped on purpose.`}
          </Text>
        </div>
        {reconciliation.source === "received" ? (
          <Text as="p" tone="subdued">
            Shopify's own order count could not be read just now, so this compares with the orders Tandem received; an order whose webhook never arrived would not show here.
          </Text>
        ) : reconciliation.shopifyDetail ? (
          <Text as="p" tone="subdued">
            {reconciliation.shopifyDetail}.
          </Text>
        ) : null}
        <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
          {shown.map((line) => (
            <li key={line.key} data-line={line.key}>
              <InlineStack gap="200" blockAlign="center" wrap>
                {line.tone ? <Badge tone={line.tone}>{format.number(line.count)}</Badge> : <Text as="span" fontWeight="semibold">{format.number(line.count)}</Text>}
                <Text as="span">{line.label}</Text>
              </InlineStack>
              {line.note ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {line.note}
                </Text>
              ) : null}
            </li>
          ))}
        </ul>
        {totals.testOrders > 0 ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {`Also received: ${format.count(totals.testOrders, { one: "test order", other: "test orders" })}, never sent and not in Shopify's count.`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
