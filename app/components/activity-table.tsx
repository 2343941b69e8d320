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
          {row.statusReason}
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
