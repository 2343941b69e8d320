import { Banner, BlockStack, Text } from "@shopify/polaris";
import type { TestEventOutcome } from "../admin/test-event.server";
import { describeTestAnswer } from "../admin/test-event-words";

/** One plain sentence per pixel; Meta's answer, field by field as Meta named them, behind "details". */
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
          <Banner key={pixelId} tone={ok ? "success" : "critical"}>
            <BlockStack gap="100">
              <p data-testid="test-event-sentence">{describeTestAnswer(answer)}</p>
              <details>
                <summary>Details from Meta</summary>
                <Text as="p">event_id: {outcome.eventId}</Text>
                <pre data-testid="meta-answer" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
                  {JSON.stringify(fields, null, 2)}
                </pre>
              </details>
            </BlockStack>
          </Banner>
        );
      })}
    </BlockStack>
  );
}
