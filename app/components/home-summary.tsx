import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { HomeSummary } from "../admin/home-summary.server";

function count(n: number, one: string, many: string): string {
  return `${new Intl.NumberFormat("en").format(n)} ${new Intl.PluralRules("en").select(n) === "one" ? one : many}`;
}

/** Home after setup: what has reached Meta, what waits, what failed, and where to look. */
export function HomeSummaryCard({ summary, timeZone = "UTC" }: { summary: HomeSummary; timeZone?: string }) {
  const last =
    summary.lastSentAt === null
      ? "Nothing has been sent yet."
      : `Last event reached Meta ${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(summary.lastSentAt)}${timeZone === "UTC" ? " UTC" : ""}.`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Delivery
        </Text>
        <Text as="p">{last}</Text>
        <Text as="p">
          {count(summary.sent, "event sent", "events sent")}, {count(summary.skipped, "skipped on purpose", "skipped on purpose")},{" "}
          {count(summary.waiting + summary.retrying, "waiting", "waiting")}, {count(summary.failed, "failed", "failed")}.
        </Text>
        <InlineStack gap="200">
          <Button url="/app/health">See health</Button>
          <Button url="/app/activity">See activity</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
