import { Badge, DataTable, Text } from "@shopify/polaris";
import type { ActivityRow } from "../admin/activity.server";
import type { DeliveryStatus } from "../db/outbox-types";

type Tone = "success" | "info" | "attention" | "warning" | "critical" | undefined;

export const STATUS_LABEL: Record<DeliveryStatus, { label: string; tone: Tone }> = {
  sent: { label: "Sent", tone: "success" },
  pending: { label: "Pending", tone: "info" },
  retrying: { label: "Retrying", tone: "attention" },
  needs_attention: { label: "Needs attention", tone: "warning" },
  held: { label: "Waiting for setup", tone: "info" },
  skipped: { label: "Skipped", tone: undefined },
  dead: { label: "Failed", tone: "critical" },
};

const PROVENANCE: Record<string, string> = {
  note_attribute: "cart attribute",
  checkout_token: "checkout token",
  order_id: "order id (no browser twin)",
  collision: "order id: the cart's id belonged to another order",
};

// Plain words for the reasons and order kinds stored as codes (decision 0015); other reasons show as stored.
const REASON: Record<string, string> = {
  no_consent: "the shopper did not consent to marketing",
  no_consent_unknown: "consent unknown, and this shop does not send then",
  test_order: "test order (test gateway): never sent as a real purchase",
  no_shopper_not_sent: "no shopper present (e.g. subscription renewal): this shop does not send these",
  paid_too_late: "paid more than 7 days after it was placed: this shop does not send these",
};
const ORDER_KIND: Record<string, string> = {
  no_shopper: "no shopper present (subscription renewal or app-created order): sent without browser ids, IP or user agent",
  late_payment: "paid more than 48 h after checkout: Meta will not pair it with the browser event",
  very_late_payment: "paid more than 7 days after checkout: sent with the payment time",
};

function when(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 16);
}

export function ActivityTable({ rows }: { rows: ActivityRow[] }) {
  const body = rows.map((row) => [
    when(row.createdAt),
    row.orderName ?? "—",
    <span key="s" data-status={row.status}>
      <Badge tone={STATUS_LABEL[row.status].tone}>{STATUS_LABEL[row.status].label}</Badge>
      {row.statusReason ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {REASON[row.statusReason] ?? row.statusReason}
        </Text>
      ) : null}
      {row.orderKind ? (
        <Text as="p" tone="subdued" variant="bodySm">
          <span data-order-kind={row.orderKind}>{ORDER_KIND[row.orderKind] ?? row.orderKind}</span>
        </Text>
      ) : null}
    </span>,
    <span key="e">
      <Text as="p" variant="bodySm">
        {row.eventId}
      </Text>
      <Text as="p" tone="subdued" variant="bodySm">
        {PROVENANCE[row.provenance] ?? row.provenance}
      </Text>
    </span>,
    row.matchKeys.join(", ") || "—",
    row.pixelId ?? "—",
    row.fbtraceId ?? "—",
  ]);
  return (
    <DataTable
      columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
      headings={["Received", "Order", "Status", "Event id", "Match keys", "Pixel", "fbtrace_id"]}
      rows={body}
    />
  );
}
