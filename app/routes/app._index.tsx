import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify/app.server";
import { buildChecklist, FIX_INTENT } from "../admin/checklist.server";
import { connectWebPixel } from "../shopify/connect-web-pixel.server";
import { readAttention } from "../admin/attention.server";
import { SetupChecklist } from "../components/setup-checklist";
import { AttentionBanner } from "../components/attention-banner";
import { readHomeSummary } from "../admin/home-summary.server";
import { HomeSummaryCard } from "../components/home-summary";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const context = await getAppContext();
  const [checklist, attention, summary] = await Promise.all([
    buildChecklist(context, session.shop, admin.graphql),
    readAttention(context, session.shop),
    readHomeSummary(context, session.shop),
  ]);
  return { checklist, attention, summary };
}

// The checklist's "Connect the web pixel" fix: activation again, after it failed at install or on save.
export async function action({ request }: ActionFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const context = await getAppContext();
  const form = await request.formData();
  if (form.get("intent") !== FIX_INTENT.connectWebPixel) throw new Response("Unknown intent", { status: 400 });
  const result = await connectWebPixel(context, session.shop, admin.graphql, "checklist");
  return { connect: result.ok ? { ok: true as const } : { ok: false as const, detail: result.detail } };
}

export default function Home() {
  const { checklist, attention, summary } = useLoaderData<typeof loader>();
  const connect = useActionData<typeof action>()?.connect;
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  return (
    <Page title="Tandem">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} deadline={attention.deadline} />
            {connect ? (
              <Banner tone={connect.ok ? "success" : "critical"} title={connect.ok ? "The web pixel is connected" : "Shopify did not activate the web pixel"}>
                {connect.ok ? null : <Text as="p">{connect.detail}</Text>}
              </Banner>
            ) : null}
            {checklist.complete ? (
              <HomeSummaryCard summary={summary} />
            ) : (
              <>
                <Card>
                  <Text as="p">Finish these steps so every paid order reaches Meta once, from the browser and the server.</Text>
                </Card>
                <SetupChecklist items={checklist.items} busyIntent={busyIntent} />
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
