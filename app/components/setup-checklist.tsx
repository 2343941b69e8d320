import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Link, Text } from "@shopify/polaris";
import { TitledCard } from "./titled-card";
import type { ChecklistFix, ChecklistItem, CheckId, CheckState } from "../admin/checklist.server";

const TITLES: Record<CheckId, string> = {
  web_pixel: "Web pixel connected",
  storefront_embed: "Storefront embed enabled",
  token: "Access token valid",
  first_purchase: "First purchase delivered",
};

const BADGES: Record<CheckState, { tone: "success" | "attention" | "info"; label: string }> = {
  done: { tone: "success", label: "Done" },
  todo: { tone: "attention", label: "To do" },
  unknown: { tone: "info", label: "Could not check" },
};

function FixButton({ fix, busy }: { fix: ChecklistFix; busy: boolean }) {
  if ("url" in fix) {
    return (
      <Button url={fix.url} external={fix.url.startsWith("https://")}>
        {fix.label}
      </Button>
    );
  }
  return (
    <Form method="post" replace>
      <input type="hidden" name="intent" value={fix.intent} />
      <Button submit loading={busy}>
        {fix.label}
      </Button>
    </Form>
  );
}

export function SetupChecklist({ items, busyIntent = null }: { items: ChecklistItem[]; busyIntent?: string | null }) {
  const done = items.filter((item) => item.state === "done").length;
  return (
    <TitledCard title={`Setup checklist (${done} of ${items.length} done)`} gap="400">
      {items.map((item) => (
        <div key={item.id} data-check={item.id} data-state={item.state}>
          <InlineStack align="space-between" blockAlign="center" gap="400">
            <BlockStack gap="100">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {TITLES[item.id]}
                </Text>
                <Badge tone={BADGES[item.state].tone}>{BADGES[item.state].label}</Badge>
              </InlineStack>
              <Text as="p" tone="subdued">
                {item.detail}
              </Text>
              {item.help && item.state !== "done" ? (
                <Text as="p">
                  {item.help.text}{" "}
                  <Link url={item.help.url} target="_blank">
                    Open Events Manager
                  </Link>
                </Text>
              ) : null}
            </BlockStack>
            {item.fix && item.state !== "done" ? <FixButton fix={item.fix} busy={"intent" in item.fix && busyIntent === item.fix.intent} /> : null}
          </InlineStack>
        </div>
      ))}
    </TitledCard>
  );
}
