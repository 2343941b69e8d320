import { useState } from "react";
import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { FieldErrors } from "../admin/settings-form";
import type { SettingsView } from "../admin/settings.server";

export type SettingsFormProps = { view: SettingsView; errors: FieldErrors; saving: boolean };

const VALUE_SOURCES = [
  { label: "Presentment currency (what the buyer paid in)", value: "presentment" },
  { label: "Shop currency", value: "shop" },
];
const CONSENT_POLICIES = [
  { label: "Send (no consent banner, or consent not collected)", value: "send" },
  { label: "Do not send", value: "skip" },
];

const NO_SHOPPER_POLICIES = [
  { label: "Send as RecurringPurchase, a separate event (default)", value: "recurring_event" },
  { label: "Send as Purchase", value: "purchase" },
  { label: "Do not send", value: "skip" },
];
const SEND_ON = [
  { label: "When the order is paid (default)", value: "paid" },
  { label: "When the order is placed (cash on delivery)", value: "created" },
];
const CONTENT_IDS = [
  { label: "Variant ID (default)", value: "variant" },
  { label: "Product ID, sent as a product group", value: "product" },
  { label: "SKU", value: "sku" },
  { label: "Shopify sales-channel style: shopify_<country>_<product>_<variant>", value: "shopify" },
];
const VERY_LATE_POLICIES = [
  { label: "Send with the payment time (default)", value: "payment_time" },
  { label: "Do not send", value: "skip" },
];

function TokenField({ hasToken, error }: { hasToken: boolean; error: string | undefined }) {
  const [replacing, setReplacing] = useState(!hasToken || error !== undefined);
  const [token, setToken] = useState("");
  if (!replacing) {
    return (
      <BlockStack gap="100">
        <Text as="span">Conversions API access token</Text>
        <InlineStack gap="300" blockAlign="center">
          <Text as="span" tone="subdued">
            ••••••••••••••••  saved, encrypted
          </Text>
          <Button onClick={() => setReplacing(true)}>Replace</Button>
        </InlineStack>
      </BlockStack>
    );
  }
  return (
    <TextField
      label="Conversions API access token"
      name="accessToken"
      type="password"
      autoComplete="off"
      value={token}
      onChange={setToken}
      error={error}
      helpText={hasToken ? "Leave blank to keep the saved token." : "Events Manager → your dataset → Settings → Generate access token."}
    />
  );
}

export function SettingsForm({ view, errors, saving }: SettingsFormProps) {
  const [pixelIds, setPixelIds] = useState(view.pixelIds.join(", "));
  const [testCode, setTestCode] = useState(view.testEventCode ?? "");
  const [valueSource, setValueSource] = useState<string>(view.settings.valueSource);
  const [includeShipping, setIncludeShipping] = useState(view.settings.includeShipping);
  const [includeTax, setIncludeTax] = useState(view.settings.includeTax);
  const [unknownConsent, setUnknownConsent] = useState<string>(view.settings.unknownConsent);
  const [enabled, setEnabled] = useState(view.enabled);
  const [noShopperOrders, setNoShopperOrders] = useState<string>(view.settings.noShopperOrders);
  const [sendOn, setSendOn] = useState<string>(view.settings.sendOn);
  const [veryLatePayments, setVeryLatePayments] = useState<string>(view.settings.veryLatePayments);
  const [contentId, setContentId] = useState<string>(view.settings.contentId);
  const [catalogCountry, setCatalogCountry] = useState(view.settings.catalogCountry);

  return (
    <Form method="post" replace>
      <input type="hidden" name="intent" value="save" />
      <Card>
        <FormLayout>
          <TextField
            label="Meta pixel (dataset) IDs"
            name="pixelIds"
            value={pixelIds}
            onChange={setPixelIds}
            autoComplete="off"
            error={errors.pixelIds}
            helpText="One or more, separated by commas. Every pixel receives every event."
          />
          <TokenField hasToken={view.hasAccessToken} error={errors.accessToken} />
          <TextField
            label="Test event code"
            name="testEventCode"
            value={testCode}
            onChange={setTestCode}
            autoComplete="off"
            error={errors.testEventCode}
            helpText="From Events Manager → Test events. Leave blank in normal operation."
          />
          {testCode.trim() !== "" ? (
            <Banner tone="warning" title="Test events are not dropped">
              <p>
                Meta processes events sent with a test event code like any other: they reach Events Manager and are used
                for targeting and ads measurement. While a code is saved, every purchase is sent with it. Remove it when
                you are done testing.
              </p>
            </Banner>
          ) : null}
          <Select label="Purchase value" name="valueSource" options={VALUE_SOURCES} value={valueSource} onChange={setValueSource} error={errors.valueSource} />
          <InlineStack gap="400">
            <Checkbox label="Include shipping" name="includeShipping" value="on" checked={includeShipping} onChange={setIncludeShipping} />
            <Checkbox label="Include tax" name="includeTax" value="on" checked={includeTax} onChange={setIncludeTax} />
          </InlineStack>
          {valueSource === "shop" ? (
            <Text as="p" tone="subdued">
              The browser pixel only knows the currency the buyer paid in: for a purchase paid in another currency, the browser event
              carries that amount in the buyer's currency and Meta converts it.
            </Text>
          ) : null}
          <Select
            label="Catalog content ID"
            name="contentId"
            options={CONTENT_IDS}
            value={contentId}
            onChange={setContentId}
            error={errors.contentId}
            helpText="Use the ids of the catalog your dynamic ads read. The browser pixel and the server send the same ids."
          />
          {contentId === "shopify" ? (
            <TextField
              label="Catalog country code"
              name="catalogCountry"
              value={catalogCountry}
              onChange={setCatalogCountry}
              autoComplete="off"
              maxLength={2}
              error={errors.catalogCountry}
              helpText="The country in your catalog's ids, e.g. US for shopify_US_8012345678901_45012345678901."
            />
          ) : null}
          <Select
            label="Orders whose consent is unknown"
            name="unknownConsent"
            options={CONSENT_POLICIES}
            value={unknownConsent}
            onChange={setUnknownConsent}
            error={errors.unknownConsent}
            helpText="Denied marketing consent is never sent; denied sale of data is sent with Limited Data Use."
          />
          <Select
            label="Send the purchase"
            name="sendOn"
            options={SEND_ON}
            value={sendOn}
            onChange={setSendOn}
            error={errors.sendOn}
            helpText="Either way, each order is sent once. Test orders are never sent."
          />
          <Select
            label="Orders with no shopper present (subscription renewals, orders created by apps)"
            name="noShopperOrders"
            options={NO_SHOPPER_POLICIES}
            value={noShopperOrders}
            onChange={setNoShopperOrders}
            error={errors.noShopperOrders}
            helpText="Sent with action source system_generated and an id of their own."
          />
          <Select
            label="Orders paid more than 7 days after they were placed"
            name="veryLatePayments"
            options={VERY_LATE_POLICIES}
            value={veryLatePayments}
            onChange={setVeryLatePayments}
            error={errors.veryLatePayments}
            helpText="Meta refuses events older than 7 days, so they can only be sent with the time of payment."
          />
          <Checkbox label="Send server events to Meta" name="enabled" value="on" checked={enabled} onChange={setEnabled} />
          <Button submit variant="primary" loading={saving}>
            Save
          </Button>
        </FormLayout>
      </Card>
    </Form>
  );
}
