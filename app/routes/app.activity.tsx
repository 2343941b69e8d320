import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Pagination, Select, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify.server";
import { listActivity, parseRedrivable, parseStatus, redriveActivity } from "../admin/activity.server";
import { readAttention } from "../admin/attention.server";
import { ALL_DELIVERY_STATUSES } from "../db/outbox-types";
import { ActivityTable, STATUS_LABEL } from "../components/activity-table";
import { AttentionBanner } from "../components/attention-banner";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  const params = new URL(request.url).searchParams;
  const status = parseStatus(params.get("status"));
  const [page, attention] = await Promise.all([
    listActivity(context, { shop: session.shop, status, cursor: params.get("after") }),
    readAttention(context, session.shop),
  ]);
  return { page, attention, status: status ?? "" };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  const status = parseRedrivable((await request.formData()).get("status"));
  if (status === null) return { redriven: 0, error: "Only failed and needs-attention events can be sent again." };
  return { redriven: await redriveActivity(context, session.shop, status, Date.now()), error: null };
}

// "0" marks the first page in the trail (an empty segment would vanish when the trail is split).
function previousCursor(trail: string[]): string {
  const previous = trail.at(-1) ?? "";
  return previous === "0" ? "" : previous;
}

const FILTERS = [{ label: "All statuses", value: "" }, ...ALL_DELIVERY_STATUSES.map((status) => ({ label: STATUS_LABEL[status].label, value: status }))];

export default function Activity() {
  const { page, attention, status } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params, setParams] = useSearchParams();
  // History of cursors lives in the URL's "trail" so Previous works without OFFSET.
  const trail = (params.get("trail") ?? "").split(".").filter(Boolean);
  const go = (next: Record<string, string>) => setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== "")));
  const after = params.get("after") ?? "";

  return (
    <Page title="Activity" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} />
            {result ? (
              <Banner tone={result.error ? "critical" : "success"} title={result.error ?? `${result.redriven} event(s) queued to send again`} />
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="end" gap="300">
                  <div style={{ minWidth: 220 }}>
                    <Select label="Status" options={FILTERS} value={status} onChange={(value) => go({ status: value })} />
                  </div>
                  <InlineStack gap="200">
                    {(["dead", "needs_attention"] as const).map((redrivable) => (
                      <Form method="post" key={redrivable}>
                        <input type="hidden" name="status" value={redrivable} />
                        <Button submit disabled={(redrivable === "dead" ? attention.dead : attention.paused) === 0}>
                          {redrivable === "dead" ? `Retry failed (${attention.dead})` : `Retry needs attention (${attention.paused})`}
                        </Button>
                      </Form>
                    ))}
                  </InlineStack>
                </InlineStack>
                {page.rows.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No events {status ? "with this status" : "yet"}.
                  </Text>
                ) : (
                  <ActivityTable rows={page.rows} />
                )}
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={after !== ""}
                    onPrevious={() => go({ status, after: previousCursor(trail), trail: trail.slice(0, -1).join(".") })}
                    hasNext={page.nextCursor !== null}
                    onNext={() => go({ status, after: page.nextCursor ?? "", trail: [...trail, after || "0"].join(".") })}
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
