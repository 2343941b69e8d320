import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Layout, Page, Text } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify.server";
import { saveSettings, toSettingsView, type SaveSettingsResult } from "../admin/settings.server";
import { sendTestEvent, type TestEventOutcome } from "../admin/test-event.server";
import { SettingsForm } from "../components/settings-form";
import { TestEventResult } from "../components/test-event-result";
import { AttentionBanner } from "../components/attention-banner";

type ActionResult =
  | { intent: "save"; result: SaveSettingsResult; savedAt: number }
  | { intent: "test"; outcome: TestEventOutcome };

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  return { view: toSettingsView(await context.shops.getShop(session.shop)) };
}

export async function action({ request }: ActionFunctionArgs): Promise<ActionResult> {
  const { session, admin } = await authenticate.admin(request);
  const context = await getAppContext();
  const form = await request.formData();
  if (form.get("intent") === "test") return { intent: "test", outcome: await sendTestEvent(context, session.shop, Date.now()) };
  const savedAt = Date.now();
  return { intent: "save", result: await saveSettings(context, session.shop, form, admin.graphql, savedAt), savedAt };
}

export default function Settings() {
  const { view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const saved = actionData?.intent === "save" && actionData.result.ok ? actionData.result : null;
  const errors = actionData?.intent === "save" && !actionData.result.ok ? actionData.result.errors : {};
  // Remount the form after every successful save, so a token the merchant just typed does not linger in the
  // page (the saved token itself never comes back from the server).
  const formKey = `${JSON.stringify(view)}:${saved && actionData?.intent === "save" ? actionData.savedAt : ""}`;

  return (
    <Page title="Settings" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={view.needsAttentionReason} paused={0} />
            {Object.keys(errors).length > 0 ? (
              <Banner tone="critical" title="Some fields need fixing">
                <p>Nothing was saved.</p>
              </Banner>
            ) : null}
            {saved ? (
              <Banner tone={saved.webPixel.ok ? "success" : "warning"} title="Settings saved">
                <p>
                  {saved.webPixel.ok
                    ? saved.webPixel.action === "unchanged"
                      ? "The web pixel already had these settings."
                      : saved.webPixel.action === "created"
                        ? "The web pixel was created with the new pixel IDs."
                        : "The web pixel was updated with the new pixel IDs, value rules and catalog content ID."
                    : `Server events will use the new settings, but Shopify did not update the web pixel: ${saved.webPixel.detail}`}
                </p>
              </Banner>
            ) : null}
            <SettingsForm key={formKey} view={view} errors={errors} saving={busyIntent === "save"} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Send test event
              </Text>
              <Text as="p" tone="subdued">
                Sends one Purchase to every saved pixel with the saved token and test event code, and shows Meta's answer.
              </Text>
              <Form method="post">
                <input type="hidden" name="intent" value="test" />
                <Button submit loading={busyIntent === "test"}>
                  Send test event
                </Button>
              </Form>
              {actionData?.intent === "test" ? <TestEventResult outcome={actionData.outcome} /> : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
