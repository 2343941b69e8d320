import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import type { FunnelSummary } from "../admin/activity.server";
import { FUNNEL_EVENT_LABELS } from "../admin/funnel-event-words";
import { isFunnelEventName } from "../tracking/funnel-events";
import { useFormat } from "./format-context";

// Above Activity's table when the Events filter shows shopper events (decision 0034): a sent shopper event is
// counted, not stored as a row, so the table alone would say far fewer were sent than were. This says how many
// were sent and how many wait, and that the table lists only the ones that need a look.

const SHOPPER_EVENT = { one: "shopper event", other: "shopper events" };

function labelOf(eventName: string): string {
  return isFunnelEventName(eventName) ? FUNNEL_EVENT_LABELS[eventName] : eventName;
}

function SentLine(props: { label: string; eventName: string | null; today: number; week: number }) {
  const format = useFormat();
  return (
    <li data-funnel-sent={props.eventName ?? "all"}>
      <InlineStack gap="200" blockAlign="baseline" wrap>
        <Text as="span" fontWeight="semibold">
          {props.label}
        </Text>
        {props.eventName !== null && props.eventName !== props.label ? (
          <Text as="span" tone="subdued" variant="bodySm">
            {props.eventName}
          </Text>
        ) : null}
        <Text as="span">
          <span data-sent-today>{format.number(props.today)}</span> today, <span data-sent-week>{format.number(props.week)}</span> in the last 7 days
        </Text>
      </InlineStack>
    </li>
  );
}

export function FunnelSummaryPanel({ summary }: { summary: FunnelSummary }) {
  const format = useFormat();
  const waiting =
    summary.waiting === 0
      ? "None waiting to be sent now."
      : `${summary.waitingCapped ? `${format.number(summary.waiting)} or more` : format.number(summary.waiting)} ${format.noun(summary.waiting, SHOPPER_EVENT)} waiting to be sent now${summary.chosen === null ? "" : " (of every kind)"}.`;
  return (
    <section aria-labelledby="funnel-summary-heading" data-funnel-summary>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm" id="funnel-summary-heading">
          {`${summary.chosen === null ? "Shopper events" : FUNNEL_EVENT_LABELS[summary.chosen]} sent (days in UTC)`}
        </Text>
        {summary.lines.length === 0 ? (
          <Text as="p" data-funnel-sent="none">
            None sent in the last 7 days.
          </Text>
        ) : (
          // A list, not a DataTable: it stays readable at 390 px without sideways scrolling.
          <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
            {summary.lines.map((line) => (
              <SentLine key={line.eventName} label={labelOf(line.eventName)} eventName={line.eventName} today={line.today} week={line.week} />
            ))}
            {summary.chosen === null && summary.lines.length > 1 ? (
              <SentLine label="In all" eventName={null} today={summary.total.today} week={summary.total.week} />
            ) : null}
          </ul>
        )}
        <Text as="p">
          <span data-funnel-waiting={summary.waiting}>{waiting}</span>
        </Text>
        <Text as="p" tone="subdued">
          Sent shopper events are counted, not listed: the table below shows the ones whose first send failed, which need a look.
        </Text>
      </BlockStack>
    </section>
  );
}
