import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useState } from "react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify/app.server";
import { saveSettings, toSettingsView, type SaveSettingsResult } from "../admin/settings.server";
import { sendTestEvent, type TestEventOutcome } from "../admin/test-event.server";
import { SettingsForm } from "../components/settings-form";
import { TestEventResult } from "../components/test-event-result";
import { TitledCard } from "../components/titled-card";
import { AttentionBanner } from "../components/attention-banner";
import { readAttention } from "../admin/attention.server";
import { EVENTS_MANAGER_URL } from "../admin/meta-help";

type ActionResult =
  | { intent: "save"; result: SaveSettingsResult; savedAt: number }
  | { intent: "test"; outcome: TestEventOutcome };

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const context = await getAppContext();
  const [config, attention] = await Promise.all([context.shops.getShop(session.shop), readAttention(context, session.shop)]);
  return { view: toSettingsView(config), attention };
}

export async function action({ request }: ActionFunctionArgs): Promise<ActionResult> {
  const { session, admin } = await authenticate.admin(request);
  const context = await getAppContext();
  const form = await request.formData();
  if (form.get("intent") === "test") {
    const code = form.get("testEventCode");
    return { intent: "test", outcome: await sendTestEvent(context, session.shop, Date.now(), typeof code === "string" ? code : undefined) };
  }
  const savedAt = Date.now();
  return { intent: "save", result: await saveSettings(context, session.shop, form, admin.graphql, savedAt), savedAt };
}

export default function Settings() {
  const { view, attention } = useLoaderData<typeof loader>();
  const [discards, setDiscards] = useState(0);
  const [testCode, setTestCode] = useState(view.testEventCode ?? "");
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const saved = actionData?.intent === "save" && actionData.result.ok ? actionData.result : null;
  const errors = actionData?.intent === "save" && !actionData.result.ok ? actionData.result.errors : {};
  // Remount the form after every successful save, so a token the merchant just typed does not linger in the
  // page (the saved token itself never comes back from the server).
  const formKey = `${JSON.stringify(view)}:${saved && actionData?.intent === "save" ? actionData.savedAt : ""}:${discards}`;

  return (
    <Page title="Settings" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanner reason={attention.reason} paused={attention.paused} pixels={attention.pixels} deadline={attention.deadline} onSettingsPage />
            {Object.keys(errors).length > 0 ? (
              <Banner tone="critical" title="Some fields need fixing">
                <p>Nothing was saved.</p>
              </Banner>
            ) : null}
            {saved ? (
              <Banner tone={saved.webPixel.ok ? "success" : "warning"} title="Settings saved">
                {saved.tokenVerified ? <p>Meta accepted the new access token.</p> : null}
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
            <SettingsForm key={formKey} view={view} errors={errors} saving={busyIntent === "save"} onDiscard={() => setDiscards((n) => n + 1)} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <TitledCard title="Send test event">
            <Text as="p" tone="subdued">
              Sends one test Purchase to every saved pixel with the saved token. It shows only in Events Manager's Test events
              tab, under the code you enter here; the code is not saved and never rides on real orders.
            </Text>
            <Form method="post">
              <input type="hidden" name="intent" value="test" />
              <BlockStack gap="200">
                <TextField
                  label="Test event code"
                  name="testEventCode"
                  value={testCode}
                  onChange={setTestCode}
                  autoComplete="off"
                  helpText={
                    <>
                      In{" "}
                      <Link url={EVENTS_MANAGER_URL} target="_blank">
                        Events Manager
                      </Link>
                      , open your dataset's Test events tab: the code looks like TEST12345.
                    </>
                  }
                />
                <Button submit loading={busyIntent === "test"}>
                  Send test event
                </Button>
              </BlockStack>
            </Form>
            {actionData?.intent === "test" ? <TestEventResult outcome={actionData.outcome} /> : null}
          </TitledCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
