import { useEffect, useRef, useState, type ReactNode } from "react";
import { Form } from "@remix-run/react";
import { BlockStack, Button, Checkbox, FormLayout, InlineStack, Link, Select, Text, TextField } from "@shopify/polaris";
import { EVENTS_MANAGER_URL } from "../admin/meta-help";
import { settingOptions } from "../admin/purchase-setting-labels";
import { FUNNEL_EVENT_LABELS } from "../admin/funnel-event-words";
import { UnsavedChanges } from "./unsaved-changes";
import { TitledCard } from "./titled-card";
import { FUNNEL_EVENTS_FIELD, funnelEventField, type FieldErrors } from "../admin/settings-form";
import { enabledFunnelEvents, FUNNEL_EVENT_NAMES, type FunnelEventName } from "../tracking/funnel-events";
import type { SettingsView } from "../admin/settings.server";

export type SettingsFormProps = { view: SettingsView; errors: FieldErrors; saving: boolean; onDiscard: () => void };

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <TitledCard title={title}>
      {description ? <Text as="p" tone="subdued">{description}</Text> : null}
      <FormLayout>{children}</FormLayout>
    </TitledCard>
  );
}

/** The form's fields as posted, minus an empty token field (blank keeps the stored token). */
function snapshot(form: HTMLFormElement): string {
  return JSON.stringify(
    [...new FormData(form).entries()].filter(([name, value]) => !(name === "accessToken" && value === "")).map(([name, value]) => [name, String(value)]),
  );
}

const VALUE_SOURCES = settingOptions("valueSource");
const CONSENT_POLICIES = settingOptions("unknownConsent");
const NO_SHOPPER_POLICIES = settingOptions("noShopperOrders");
const SEND_ON = settingOptions("sendOn");
const CONTENT_IDS = settingOptions("contentId");
const VERY_LATE_POLICIES = settingOptions("veryLatePayments");

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
      helpText={
        hasToken
          ? "Leave blank to keep the saved token. A new token is checked with Meta before it is saved."
          : "In Events Manager: your dataset's Settings, Conversions API, Generate access token. It is checked with Meta before it is saved."
      }
    />
  );
}

export function SettingsForm({ view, errors, saving, onDiscard }: SettingsFormProps) {
  const [pixelIds, setPixelIds] = useState(view.pixelIds.join(", "));
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
  const [alertEmail, setAlertEmail] = useState(view.alertEmail ?? "");
  const [funnelEvents, setFunnelEvents] = useState<readonly FunnelEventName[]>(enabledFunnelEvents(view.settings));

  const formRef = useRef<HTMLFormElement>(null);
  const initial = useRef<string | null>(null);
  const [dirty, setDirty] = useState(false);
  // Compared after every render: the fields are controlled, so the DOM holds what would be posted.
  useEffect(() => {
    if (formRef.current === null) return;
    const now = snapshot(formRef.current);
    if (initial.current === null) initial.current = now;
    setDirty(now !== initial.current);
  });

  return (
    <Form method="post" replace ref={formRef} id="settings-form">
      <input type="hidden" name="intent" value="save" />
      <UnsavedChanges dirty={dirty} saving={saving} onSave={() => formRef.current?.requestSubmit()} onDiscard={onDiscard} />
      <BlockStack gap="400">
        <Section
          title="Meta connection"
          description={
            <>
              Both come from{" "}
              <Link url={EVENTS_MANAGER_URL} target="_blank">
                Meta Events Manager
              </Link>
              : open Data sources, pick your dataset, then its Settings tab.
            </>
          }
        >
          <TextField
            label="Meta pixel (dataset) IDs"
            name="pixelIds"
            value={pixelIds}
            onChange={setPixelIds}
            autoComplete="off"
            error={errors.pixelIds}
            helpText="The dataset ID at the top of the dataset's Settings tab. Several: separate them with commas; every pixel receives every event."
          />
          <TokenField hasToken={view.hasAccessToken} error={errors.accessToken} />
        </Section>
        <Section title="What is sent" description="The value and product ids of each purchase. The browser pixel and the server send the same.">
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
            helpText="Use the ids of the catalog your dynamic ads read."
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
        </Section>
        <Section
          title="Shopper events"
          description="Besides the purchase, these events from the shopper's browser are also sent from the server, under the browser's event id, so Meta counts each once."
        >
          <input type="hidden" name={FUNNEL_EVENTS_FIELD} value="1" />
          <InlineStack gap="400">
            {FUNNEL_EVENT_NAMES.map((name) => (
              <Checkbox
                key={name}
                label={FUNNEL_EVENT_LABELS[name]}
                name={funnelEventField(name)}
                value="on"
                checked={funnelEvents.includes(name)}
                onChange={(on) => setFunnelEvents((current) => (on ? [...current, name] : current.filter((event) => event !== name)))}
              />
            ))}
          </InlineStack>
        </Section>
        <Section title="Consent">
          <Select
            label="Orders whose consent is unknown"
            name="unknownConsent"
            options={CONSENT_POLICIES}
            value={unknownConsent}
            onChange={setUnknownConsent}
            error={errors.unknownConsent}
            helpText="Denied marketing consent is never sent; denied sale of data is sent with Limited Data Use."
          />
        </Section>
        <Section title="Order kinds" description="Each order is sent once, whichever rule applies. Test orders are never sent.">
          <Select label="Send the purchase" name="sendOn" options={SEND_ON} value={sendOn} onChange={setSendOn} error={errors.sendOn} />
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
        </Section>
        <Section title="Tracking">
          <Checkbox
            label="Send server events to Meta"
            name="enabled"
            value="on"
            checked={enabled}
            onChange={setEnabled}
          />
        </Section>
        <Section title="Alerts" description="An email when purchases stop reaching Meta, or a day's deliveries fall well below Shopify's order count: at most one per cause a day.">
          <TextField
            label="Alert email"
            name="alertEmail"
            type="email"
            value={alertEmail}
            onChange={setAlertEmail}
            autoComplete="email"
            error={errors.alertEmail}
            helpText="Leave blank to send alerts to the shop owner's email."
          />
        </Section>
        <InlineStack align="end">
          <Button submit variant="primary" loading={saving} disabled={!dirty && !saving}>
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
