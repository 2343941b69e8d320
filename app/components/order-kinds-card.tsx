import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";

export type OrderKindCounts = { collisions: number; testOrders: number; noShopper: number; latePayments: number };

// Plain words for the order kinds decision 0015 counts; the same reasons Activity shows per order.
export const ORDER_KIND_ROWS: Array<{ key: keyof OrderKindCounts; label: string; meaning: string }> = [
  {
    key: "collisions",
    label: "Shared event ids",
    meaning: "The cart's event id already belonged to another order (a copied cart or a renewal): sent under the order's own id.",
  },
  { key: "testOrders", label: "Test orders", meaning: "Placed with a test gateway: recorded, never sent as a real purchase." },
  {
    key: "noShopper",
    label: "No shopper present",
    meaning: "Subscription renewals and orders created by apps: sent as system-generated, without browser ids, or as the shop's setting says.",
  },
  {
    key: "latePayments",
    label: "Late payments",
    meaning: "Paid more than 48 hours after checkout: Meta will not pair them with the browser event (after 7 days, sent with the payment time).",
  },
];

/** The issue-12 order kinds over the chosen range, one plain sentence each. */
export function OrderKindsCard({ counts, days }: { counts: OrderKindCounts; days: number }) {
  const rows = ORDER_KIND_ROWS.map((row) => [
    row.label,
    <span key={row.key} data-order-kind-count={row.key}>
      {counts[row.key]}
    </span>,
    row.meaning,
  ]);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Orders handled differently
        </Text>
        <Text as="p" tone="subdued">
          Orders in the last {days} days that were not a plain web purchase, and what Tandem did with them. Activity lists each one.
        </Text>
        <DataTable columnContentTypes={["text", "numeric", "text"]} headings={["Kind", "Orders", "What happened"]} rows={rows} />
      </BlockStack>
    </Card>
  );
}
