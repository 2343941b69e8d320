import { Banner, BlockStack, Text } from "@shopify/polaris";
import type { TestEventOutcome } from "../admin/test-event.server";

/** Meta's answer, field by field as Meta named them, so the merchant can quote it to Meta support. */
export function TestEventResult({ outcome }: { outcome: TestEventOutcome }) {
  if (!outcome.sent) {
    return (
      <Banner tone="warning" title="Test event not sent">
        <p>{outcome.message}</p>
      </Banner>
    );
  }
  return (
    <BlockStack gap="200">
      {outcome.answers.map((answer) => {
        const { pixelId, ok, ...fields } = answer;
        return (
          <Banner key={pixelId} tone={ok ? "success" : "critical"} title={ok ? `Meta accepted the test event (pixel ${pixelId})` : `Meta refused the test event (pixel ${pixelId})`}>
            <BlockStack gap="100">
              <Text as="p">event_id: {outcome.eventId}</Text>
              <pre data-testid="meta-answer" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
                {JSON.stringify(fields, null, 2)}
              </pre>
            </BlockStack>
          </Banner>
        );
      })}
    </BlockStack>
  );
}
