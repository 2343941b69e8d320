import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, InlineStack, Layout, Page, Spinner, Tabs, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify/app.server";
import { healthSummary } from "../admin/health.server";
import { CHARTED_MATCH_KEYS } from "../admin/health-metrics";
import { readAttention } from "../admin/attention.server";
import { readShopTimeZone } from "../admin/shop-format.server";
import { NOUN } from "../admin/format";
import { countPaidOrders } from "../shopify/order-count.server";
import { AttentionBanner } from "../components/attention-banner";
import { DayBars } from "../components/day-bars";
import { ReconciliationCard } from "../components/health-reconciliation";
import { OrderKindsCard } from "../components/order-kinds-card";
import { DedupProofCard } from "../components/health-dedup-proof";
import { ShareBars } from "../components/share-bars";
import { useFormat } from "../components/format-context";

const RANGES = [7, 30] as const;

// Short names for the keys Meta matches people by; Activity's detail uses the longer ones.
const KEY_LABELS: Record<(typeof CHARTED_MATCH_KEYS)[number], string> = {
  em: "Email",
  ph: "Phone",
  fbc: "Click ID",
  fbp: "Browser ID",
  client_ip_address: "IP address",
  client_user_agent: "Browser user agent",
  external_id: "Customer ID",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { admin, session } = await authenticate.admin(request);
  const context = await getAppContext();
  const days = new URL(request.url).searchParams.get("days") === "30" ? 30 : 7;
  const nowMs = Date.now();
  const timeZone = await readShopTimeZone(admin.graphql, session.shop, nowMs);
  const [summary, attention] = await Promise.all([
    healthSummary(context, session.shop, days, nowMs, { timeZone, countPaidOrders: (fromMs, toMs) => countPaidOrders(admin.graphql, fromMs, toMs) }),
    readAttention(context, session.shop),
  ]);
  return { days, summary, attention, shop: session.shop };
}

export default function Health() {
  const { days, summary, attention, shop } = useLoaderData<typeof loader>();
  const [, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const format = useFormat();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/health";
  const { totals, reconciliation } = summary;
  const dayStarts = summary.days.map((day) => day.dayStartMs);
  const empty = totals.paidOrders === 0 && reconciliation.reference === 0;
  const period = `the last ${format.count(days, NOUN.day)}`;
  return (
    <Page title="Health" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} deadline={attention.deadline} />
            <InlineStack gap="200" blockAlign="center" wrap={false}>
              <Tabs
                tabs={RANGES.map((range) => ({ id: `days-${range}`, content: `Last ${range} days`, panelID: "health-panel" }))}
                selected={days === 30 ? 1 : 0}
                onSelect={(index) => setSearchParams({ days: String(RANGES[index] ?? 7) })}
              />
              {loading ? <Spinner size="small" accessibilityLabel="Loading the period" /> : null}
            </InlineStack>
            <div id="health-panel" aria-busy={loading}>
              <BlockStack gap="400">
                {empty ? (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        No paid orders yet
                      </Text>
                      <div data-empty-state>
                        <Text as="p">
                          {`Neither Shopify nor Tandem has a paid order from ${period}. Once orders are paid, this page shows how many reached Meta, which were skipped on purpose and why, and which customer details they carried.`}
                        </Text>
                      </div>
                    </BlockStack>
                  </Card>
                ) : (
                  <>
                    <ReconciliationCard totals={totals} reconciliation={reconciliation} days={days} />
                    <Card>
                      <BlockStack gap="200">
                        <Text as="h2" variant="headingMd">
                          Orders received and delivered, by day
                        </Text>
                        <Text as="p" tone="subdued">
                          {`Over ${period}, Tandem received ${format.count(totals.paidOrders, NOUN.order)} and delivered ${format.number(totals.delivered)} to Meta. Days are in the shop's time zone (${summary.days.length > 0 ? format.settings.timeZone : "UTC"}).`}
                        </Text>
                        <DayBars
                          label="Orders received and delivered, by day"
                          days={dayStarts}
                          series={[
                            { name: "Received", color: "#8a8a8a", values: summary.days.map((day) => day.paidOrders) },
                            { name: "Delivered to Meta", color: "#29845a", values: summary.days.map((day) => day.delivered) },
                          ]}
                        />
                      </BlockStack>
                    </Card>
                    <Card>
                      <BlockStack gap="200">
                        <Text as="h2" variant="headingMd">
                          Browser and server pairing
                        </Text>
                        <Text as="p" tone="subdued">
                          Orders whose event id the browser pixel could share (from the cart or the checkout token), so Meta counts the browser and server events once. POS, draft and API orders have no browser event.
                        </Text>
                        <ShareBars label="Browser and server pairing" whole={totals.paidOrders} noun={NOUN.order} items={[{ key: "twin", label: "Could pair with the browser", part: totals.withBrowserTwin }]} />
                      </BlockStack>
                    </Card>
                    <DedupProofCard proof={summary.dedupProof} days={days} shop={shop} />
                    <Card>
                      <BlockStack gap="200">
                        <Text as="h2" variant="headingMd">
                          Customer details sent
                        </Text>
                        <Text as="p" tone="subdued">
                          Share of the orders sent or queued for Meta that carried each detail Meta matches people by (hashed before they leave the shop, except IP address, user agent and the browser and click ids).
                        </Text>
                        {totals.mappedOrders === 0 ? (
                          <Text as="p">No orders were sent in this period.</Text>
                        ) : (
                          <ShareBars
                            label="Customer details sent"
                            whole={totals.mappedOrders}
                            noun={NOUN.order}
                            items={CHARTED_MATCH_KEYS.map((key) => ({ key, label: KEY_LABELS[key], part: totals.matchKeys[key] }))}
                          />
                        )}
                      </BlockStack>
                    </Card>
                  </>
                )}
                <OrderKindsCard counts={totals} days={days} />
              </BlockStack>
            </div>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
