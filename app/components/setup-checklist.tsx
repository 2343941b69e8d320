import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { ChecklistItem, CheckId, CheckState } from "../admin/checklist.server";

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

export function SetupChecklist({ items }: { items: ChecklistItem[] }) {
  const done = items.filter((item) => item.state === "done").length;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Setup checklist ({done} of {items.length} done)
        </Text>
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
              </BlockStack>
              {item.fix && item.state !== "done" ? (
                <Button url={item.fix.url} external={item.fix.url.startsWith("https://")}>
                  {item.fix.label}
                </Button>
              ) : null}
            </InlineStack>
          </div>
        ))}
      </BlockStack>
    </Card>
  );
}
