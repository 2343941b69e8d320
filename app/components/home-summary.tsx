import { Button, InlineStack, Text } from "@shopify/polaris";
import { NOUN } from "../admin/format";
import type { HomeSummary } from "../admin/home-summary.server";
import { useFormat } from "./format-context";
import { TitledCard } from "./titled-card";

/** Home after setup: what has reached Meta, what waits, what failed, and where to look (shop's clock, admin's locale). */
export function HomeSummaryCard({ summary }: { summary: HomeSummary }) {
  const format = useFormat();
  const last = summary.lastSentAt === null ? "Nothing has been sent yet." : `Last event reached Meta ${format.dateTime(summary.lastSentAt)}.`;
  return (
    <TitledCard title="Delivery">
      <Text as="p">{last}</Text>
      <Text as="p">
        {`${format.count(summary.sent, NOUN.event)} sent, ${format.number(summary.skipped)} skipped on purpose, ` +
          `${format.number(summary.waiting + summary.retrying)} waiting, ${format.number(summary.failed)} failed.`}
      </Text>
      <InlineStack gap="200">
        <Button url="/app/health">See health</Button>
        <Button url="/app/activity">See activity</Button>
      </InlineStack>
    </TitledCard>
  );
}
