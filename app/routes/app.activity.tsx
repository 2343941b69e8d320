import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Pagination, Spinner, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify/app.server";
import { listActivity, markWaiting, parseActivityParams, parseRedrivable, readFunnelSummary, redriveActivity, type ActivityFilterForm } from "../admin/activity.server";
import { ALL_EVENTS, SHOPPER_EVENTS } from "../admin/activity-events";
import { readAttention } from "../admin/attention.server";
import { readShopTimeZone } from "../admin/shop-format.server";
import { NOUN } from "../admin/format";
import { ActivityFilters } from "../components/activity-filters";
import { ActivityTable } from "../components/activity-table";
import { AttentionBanner } from "../components/attention-banner";
import { ExportButton } from "../components/export-button";
import { FunnelSummaryPanel } from "../components/funnel-summary";
import { useFormat } from "../components/format-context";

export async function loader({ request }: LoaderFunctionArgs) {
  const { admin, session } = await authenticate.admin(request);
  const context = await getAppContext();
  const timeZone = await readShopTimeZone(admin.graphql, session.shop, Date.now());
  const { query, form } = parseActivityParams(session.shop, new URL(request.url).searchParams, timeZone);
  const [page, attention, funnel] = await Promise.all([
    listActivity(context, query),
    readAttention(context, session.shop),
    readFunnelSummary(context, query, Date.now()),
  ]);
  return { page: { ...page, rows: markWaiting(page.rows, attention) }, attention, funnel, filters: form, shop: session.shop };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  const status = parseRedrivable((await request.formData()).get("status"));
  if (status === null) return { redriven: 0, error: "Only failed and needs-attention events can be sent again." };
  // Refused while the pause's cause stands: the rows stay as they are, and the page says why.
  const { queued, refused } = await redriveActivity(context, session.shop, status, Date.now());
  return { redriven: queued, error: refused };
}

// "0" marks the first page in the trail (an empty segment would vanish when the trail is split).
function previousCursor(trail: string[]): string {
  const previous = trail.at(-1) ?? "";
  return previous === "0" ? "" : previous;
}

function filterParams(filters: ActivityFilterForm): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ""));
}

export default function Activity() {
  const { page, attention, funnel, filters, shop } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const [exportError, setExportError] = useState<string | null>(null);
  // History of cursors lives in the URL's "trail" so Previous works without OFFSET.
  const trail = (params.get("trail") ?? "").split(".").filter(Boolean);
  const go = (next: Record<string, string>) => setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== "")));
  const after = params.get("after") ?? "";
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/activity";
  const submitting = (status: string) => navigation.state !== "idle" && navigation.formMethod === "POST" && navigation.formData?.get("status") === status;
  const filtered = Object.values(filters).some((value) => value !== "");
  // The default view is Purchases (decision 0031): its empty state says so, and where the other events are.
  // Sent shopper events are counted above the table, not listed in it (decision 0034): their empty states say
  // that none needs a look, not that none exists.
  const narrowed = filters.status !== "" || filters.order !== "" || filters.from !== "" || filters.to !== "";
  const empty = narrowed
    ? "No events match these filters."
    : filters.events === ""
      ? "No purchases yet. Each paid order appears here as it is sent to Meta; shopper events are under Events."
      : filters.events === ALL_EVENTS
        ? "No events yet. Each paid order appears here as it is sent to Meta; a shopper event appears only when its first send fails."
        : filters.events === SHOPPER_EVENTS
          ? "No shopper events need a look. One appears here when its first send fails; Settings chooses which are sent."
          : "No shopper events of this kind need a look.";
  const exportHref = `/app/activity/export?${new URLSearchParams(filterParams(filters)).toString()}`;

  return (
    <Page title="Activity" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} deadline={attention.deadline} />
            {result?.error ? (
              <Banner tone="critical" title="Nothing was sent again">
                <p data-retry-refused>{result.error}</p>
              </Banner>
            ) : result ? (
              <Banner tone="success" title={`${format.count(result.redriven, NOUN.event)} queued to send again`} />
            ) : null}
            {exportError ? <Banner tone="critical" title={exportError} onDismiss={() => setExportError(null)} /> : null}
            <Card>
              <BlockStack gap="400">
                <ActivityFilters key={JSON.stringify(filters)} initial={filters} loading={loading} onApply={(next) => go(filterParams(next))} />
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <InlineStack gap="200">
                    {(["dead", "needs_attention"] as const).map((redrivable) => {
                      const count = redrivable === "dead" ? attention.dead : attention.paused;
                      return (
                        <Form method="post" key={redrivable}>
                          <input type="hidden" name="status" value={redrivable} />
                          <Button submit disabled={count === 0} loading={submitting(redrivable)}>
                            {redrivable === "dead" ? `Retry failed (${format.number(count)})` : `Retry needs attention (${format.number(count)})`}
                          </Button>
                        </Form>
                      );
                    })}
                  </InlineStack>
                  <ExportButton href={exportHref} label={filtered ? "Export these as CSV" : "Export CSV"} onError={setExportError} />
                </InlineStack>
                {funnel ? <FunnelSummaryPanel summary={funnel} /> : null}
                <div aria-busy={loading} aria-live="polite">
                  {loading ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Spinner size="small" accessibilityLabel="Loading events" />
                      <Text as="span" tone="subdued">
                        Loading…
                      </Text>
                    </InlineStack>
                  ) : null}
                  {page.rows.length === 0 ? (
                    <Text as="p" tone="subdued">
                      {empty}
                    </Text>
                  ) : (
                    <ActivityTable rows={page.rows} shop={shop} />
                  )}
                </div>
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={after !== "" && !loading}
                    onPrevious={() => go({ ...filterParams(filters), after: previousCursor(trail), trail: trail.slice(0, -1).join(".") })}
                    hasNext={page.nextCursor !== null && !loading}
                    onNext={() => go({ ...filterParams(filters), after: page.nextCursor ?? "", trail: [...trail, after || "0"].join(".") })}
                  />
                </InlineStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
