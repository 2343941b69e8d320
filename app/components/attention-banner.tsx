import { Banner, Text } from "@shopify/polaris";

export type AttentionBannerProps = { reason: string | null; paused: number };

/** Shown on every page while Meta refuses the shop's configuration: events wait, nothing is lost. */
export function AttentionBanner({ reason, paused }: AttentionBannerProps) {
  if (reason === null && paused === 0) return null;
  return (
    <Banner tone="critical" title="Meta needs attention" action={{ content: "Open settings", url: "/app/settings" }}>
      <Text as="p">
        {reason ?? "Some events were refused because of the configuration."} {paused > 0 ? `${paused} event(s) are waiting and will be sent once this is fixed.` : ""}
      </Text>
    </Banner>
  );
}
