import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify.server";
import { buildChecklist } from "../admin/checklist.server";
import { readAttention } from "../admin/attention.server";
import { SetupChecklist } from "../components/setup-checklist";
import { AttentionBanner } from "../components/attention-banner";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const context = await getAppContext();
  const [checklist, attention] = await Promise.all([buildChecklist(context, session.shop, admin.graphql), readAttention(context, session.shop)]);
  return { checklist, attention };
}

export default function Home() {
  const { checklist, attention } = useLoaderData<typeof loader>();
  return (
    <Page title="Tandem">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} />
            <Card>
              <Text as="p">
                {checklist.complete
                  ? "Every paid order reaches Meta once, from the browser and the server."
                  : "Finish these steps so every paid order reaches Meta once, from the browser and the server."}
              </Text>
            </Card>
            <SetupChecklist items={checklist.items} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
