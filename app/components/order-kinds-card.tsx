import { InlineStack, Text } from "@shopify/polaris";
import { TitledCard } from "./titled-card";

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
  return (
    <TitledCard title="Orders handled differently" gap="200">
      <Text as="p" tone="subdued">
        Orders in the last {days} days that were not a plain web purchase, and what Tandem did with them. Activity lists each one.
      </Text>
      {/* A list, not a DataTable: at 390 px the table scrolled sideways in a region the keyboard could not reach. */}
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 12 }}>
        {ORDER_KIND_ROWS.map((row) => (
          <li key={row.key}>
            <InlineStack gap="200" blockAlign="baseline" wrap>
              <Text as="span" fontWeight="semibold">
                {row.label}
              </Text>
              <Text as="span">
                <span data-order-kind-count={row.key}>{counts[row.key]}</span>
              </Text>
            </InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {row.meaning}
            </Text>
          </li>
        ))}
      </ul>
    </TitledCard>
  );
}
