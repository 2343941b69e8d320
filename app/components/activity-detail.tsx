import { BlockStack, Text } from "@shopify/polaris";
import type { ActivityRow } from "../admin/activity.server";
import { NOUN } from "../admin/format";
import { ORDER_KIND_WORDS, PROVENANCE_WORDS, matchKeysInWords, reasonInWords, rowStatusInWords } from "../admin/words";
import { useFormat } from "./format-context";

/** What Meta said about the event, in one sentence. */
function metaAnswer(row: ActivityRow, count: (n: number) => string): string {
  const reason = reasonInWords(row.statusReason);
  switch (row.status) {
    case "sent":
      return row.eventsReceived === null ? "Accepted by Meta." : `Accepted by Meta (${count(row.eventsReceived)} received).`;
    case "skipped":
      return `Not sent: ${reason ?? "skipped"}.`;
    case "held":
      return "Not sent yet: waiting until a pixel is set up.";
    case "pending":
    case "retrying":
      return reason ? `Not accepted yet: ${reason}` : "Not sent yet: queued.";
    default:
      return reason ?? "No answer recorded.";
  }
}

/** A row's full story, shown when the merchant opens it: ids, provenance, keys, Meta's answer, re-sends. */
export function ActivityDetail({ row, id }: { row: ActivityRow; id: string }) {
  const format = useFormat();
  const entries: Array<[string, string]> = [
    ["Event", `${row.eventName} · ${row.eventId}`],
    ["Event id source", PROVENANCE_WORDS[row.provenance] ?? row.provenance],
    ["Pixel (dataset)", row.pixelId ?? "None yet"],
    ["Match keys sent", row.matchKeys.length === 0 ? "None" : matchKeysInWords(row.matchKeys).join(", ")],
    ["Value sent", row.value === null ? "Not recorded" : format.money(row.value.amount, row.value.currency)],
    ["Meta's answer", metaAnswer(row, (n) => format.count(n, NOUN.event))],
    ["Trace id (fbtrace_id)", row.fbtraceId ?? "None"],
    ["Attempts", format.number(row.attempts)],
  ];
  if (row.sentAt !== null) entries.push(["Sent", format.dateTime(row.sentAt)]);
  if (row.resends > 0) {
    const last = row.resentAt === null ? "" : `, last on ${format.dateTime(row.resentAt)}`;
    entries.push(["Sent again", `${format.count(row.resends, { one: "time", other: "times" })}${last} after an attempt whose outcome was not recorded; Meta counts one event id once`]);
  }
  if (row.waitingFor !== null) entries.push(["Status", `${rowStatusInWords(row)}: sent once the pause lifts (see the banner above)`]);
  if (row.orderKind) entries.push(["Order kind", ORDER_KIND_WORDS[row.orderKind] ?? row.orderKind]);
  if (row.fromCollector) {
    // No order to link: say where the event came from, and the page it happened on while it is still stored.
    entries.push(["Source", "From the collector: the shopper's browser reported it, and Tandem sent it from the server too"]);
    entries.push(["Page", row.pageUrl ?? "Not recorded"]);
  }
  return (
    <div id={id} className="tandem-activity-detail" data-detail-for={row.id}>
      <BlockStack gap="100">
        <dl>
          {entries.map(([term, value]) => (
            <div key={term}>
              <dt>
                <Text as="span" variant="bodySm" tone="subdued">
                  {term}
                </Text>
              </dt>
              <dd>
                <Text as="span" variant="bodyMd" breakWord>
                  {value}
                </Text>
              </dd>
            </div>
          ))}
        </dl>
      </BlockStack>
    </div>
  );
}
