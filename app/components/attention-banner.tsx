import { Banner, List, Text } from "@shopify/polaris";

export type AttentionBannerProps = {
  reason: string | null;
  paused: number;
  /** Pixels paused on their own, each with Meta's cause; the shop's other pixels keep sending. */
  pixels?: readonly { pixelId: string; reason: string }[];
};

/** Shown on every page while Meta refuses the shop's configuration: events wait, nothing is lost. */
export function AttentionBanner({ reason, paused, pixels = [] }: AttentionBannerProps) {
  if (reason === null && paused === 0 && pixels.length === 0) return null;
  const fallback = pixels.length > 0 ? null : "Some events were refused because of the configuration.";
  return (
    <Banner tone="critical" title="Meta needs attention" action={{ content: "Open settings", url: "/app/settings" }}>
      <Text as="p">
        {reason ?? fallback} {paused > 0 ? `${paused} event(s) are waiting and will be sent once this is fixed.` : ""}
      </Text>
      {pixels.length > 0 && (
        <List>
          {pixels.map((pixel) => (
            <List.Item key={pixel.pixelId}>
              Pixel {pixel.pixelId} is paused (the others keep sending): {pixel.reason}
            </List.Item>
          ))}
        </List>
      )}
    </Banner>
  );
}
