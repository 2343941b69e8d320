import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Tabs, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify.server";
import { healthSummary } from "../admin/health.server";
import { CHARTED_MATCH_KEYS, percent } from "../admin/health-metrics";
import { readAttention } from "../admin/attention.server";
import { AttentionBanner } from "../components/attention-banner";
import { BarChart } from "../components/bar-chart";
import { OrderKindsCard } from "../components/order-kinds-card";
import { PercentChart } from "../components/percent-chart";
import { dayLabel } from "../components/chart-frame";

const RANGES = [7, 30] as const;
const KEY_COLORS = ["#2c6ecb", "#8a5cd0", "#e07b00", "#c9372c", "#29845a", "#616161", "#b98900"];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  const days = new URL(request.url).searchParams.get("days") === "30" ? 30 : 7;
  const [summary, attention] = await Promise.all([healthSummary(context, session.shop, days, Date.now()), readAttention(context, session.shop)]);
  return { days, summary, attention };
}

export default function Health() {
  const { days, summary, attention } = useLoaderData<typeof loader>();
  const [, setSearchParams] = useSearchParams();
  const labels = summary.days.map((day) => dayLabel(day.dayStartMs));
  const { totals } = summary;
  return (
    <Page title="Health" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} />
            <Tabs
              tabs={RANGES.map((range) => ({ id: `days-${range}`, content: `Last ${range} days` }))}
              selected={days === 30 ? 1 : 0}
              onSelect={(index) => setSearchParams({ days: String(RANGES[index] ?? 7) })}
            />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Paid orders vs server events delivered
                </Text>
                <Text as="p" tone="subdued">
                  {totals.delivered} of {totals.paidOrders} paid orders reached Meta ({percent(totals.delivered, totals.paidOrders)}%).
                </Text>
                <BarChart
                  title="Paid orders vs delivered"
                  labels={labels}
                  series={[
                    { name: "Paid orders", color: "#8a8a8a", values: summary.days.map((day) => day.paidOrders) },
                    { name: "Delivered to Meta", color: "#29845a", values: summary.days.map((day) => day.delivered) },
                  ]}
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Dedup coverage
                </Text>
                <Text as="p" tone="subdued">
                  {percent(totals.withBrowserTwin, totals.paidOrders)}% of paid orders had an event id the browser pixel could share (from the
                  cart's note attribute or the checkout token). The rest (POS, draft and API orders) have no browser twin.
                </Text>
                <PercentChart
                  title="Dedup coverage"
                  labels={labels}
                  series={[{ name: "Orders with a possible browser twin", color: "#2c6ecb", values: summary.days.map((day) => percent(day.withBrowserTwin, day.paidOrders)) }]}
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Match-key coverage
                </Text>
                <Text as="p" tone="subdued">
                  Share of sent-or-queued purchase events carrying each customer information parameter:{" "}
                  {CHARTED_MATCH_KEYS.map((key) => `${key} ${percent(totals.matchKeys[key], totals.mappedOrders)}%`).join(" · ")}
                </Text>
                <PercentChart
                  title="Match-key coverage"
                  labels={labels}
                  series={CHARTED_MATCH_KEYS.map((key, index) => ({
                    name: key,
                    color: KEY_COLORS[index] ?? "#616161",
                    values: summary.days.map((day) => percent(day.matchKeys[key], day.mappedOrders)),
                  }))}
                />
              </BlockStack>
            </Card>
            <OrderKindsCard counts={totals} days={days} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
