import { Banner, BlockStack, List, Text } from "@shopify/polaris";
import type { PauseDeadline } from "../admin/attention.server";
import { plainPixelPause, plainShopPause } from "../admin/pause-words";
import { useFormat } from "./format-context";

export type AttentionBannerProps = {
  reason: string | null;
  paused: number;
  /** Pixels paused on their own, each with Meta's cause; the shop's other pixels keep sending. */
  pixels?: readonly { pixelId: string; reason: string; deadline?: PauseDeadline }[];
  /** By when the shop's waiting events must go out (from readAttention). */
  deadline?: PauseDeadline | null;
  /** On the settings page itself the banner offers no link to it. */
  onSettingsPage?: boolean;
  /** IANA time zone for the date; by default the shop's, from the layout's FormatProvider (UTC when unknown). */
  timeZone?: string;
};

function purchases(count: number): string {
  return `${new Intl.NumberFormat("en").format(count)} ${new Intl.PluralRules("en").select(count) === "one" ? "purchase" : "purchases"}`;
}

// The zone's short name rides along ("3 Dec, 12:00 UTC", "3 Dec, 07:00 GMT-5"): a deadline is only useful if
// the merchant knows which clock it is on.
function formatDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" }).format(ms);
}

/** The promise and its deadline, or what is already lost; nothing when nothing waits. */
export function deadlineSentence(deadline: PauseDeadline | null | undefined, timeZone = "UTC"): string | null {
  if (!deadline || deadline.waiting === 0) return null;
  const parts: string[] = [];
  const sendable = deadline.waiting - deadline.expired;
  if (sendable > 0) {
    const rest = sendable - deadline.atRisk;
    parts.push(
      `Fix by ${formatDate(deadline.sendBy, timeZone)} or ${purchases(deadline.atRisk)} can't be sent` +
        (rest > 0 ? `; ${new Intl.NumberFormat("en").format(rest)} more ${rest === 1 ? "has" : "have"} a later deadline.` : "."),
    );
  }
  if (deadline.expired > 0) parts.push(`${purchases(deadline.expired)} waited past Meta's 7-day limit and can no longer be sent.`);
  return parts.join(" ");
}

/** Shown while Meta refuses the shop's configuration: what is wrong in plain words, and by when to fix it. */
export function AttentionBanner({ reason, paused, pixels = [], deadline, onSettingsPage = false, timeZone: zoneOverride }: AttentionBannerProps) {
  const shopZone = useFormat().settings.timeZone;
  const timeZone = zoneOverride ?? shopZone;
  if (reason === null && paused === 0 && pixels.length === 0) return null;
  const action = onSettingsPage ? undefined : { content: "Open settings", url: "/app/settings" };
  const fallback = reason === null && pixels.length === 0 ? `${purchases(paused)} need attention: see Activity.` : null;
  const shopDeadline = reason === null ? null : deadlineSentence(deadline, timeZone);
  return (
    <Banner tone="critical" title={reason !== null ? "Purchases are not reaching Meta" : "Meta needs attention"} action={action}>
      <BlockStack gap="200">
        {reason !== null ? <Text as="p">{plainShopPause(reason)}</Text> : null}
        {shopDeadline ? <Text as="p">{shopDeadline}</Text> : null}
        {fallback ? <Text as="p">{fallback}</Text> : null}
        {pixels.length > 0 && (
          <List>
            {pixels.map((pixel) => (
              <List.Item key={pixel.pixelId}>
                {plainPixelPause(pixel.pixelId)} {deadlineSentence(pixel.deadline, timeZone) ?? ""}
              </List.Item>
            ))}
          </List>
        )}
        {reason !== null || pixels.length > 0 ? (
          <details>
            <summary>Details from Meta</summary>
            <BlockStack gap="100">
              {reason !== null ? <Text as="p">{reason}</Text> : null}
              {pixels.map((pixel) => (
                <Text as="p" key={pixel.pixelId}>
                  Pixel {pixel.pixelId}: {pixel.reason}
                </Text>
              ))}
            </BlockStack>
          </details>
        ) : null}
      </BlockStack>
    </Banner>
  );
}
