import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AttentionBanner } from "../../app/components/attention-banner";
import { FormatProvider } from "../../app/components/format-context";

const SEND_BY = Date.UTC(2026, 11, 3, 12, 0); // 3 Dec 2026, 12:00 UTC
const deadline = { sendBy: SEND_BY, atRisk: 2, waiting: 2, expired: 0 };

function render(timeZone: string | null) {
  const banner = <AttentionBanner reason="Meta error 190/460: invalidated" paused={2} deadline={deadline} />;
  return renderToStaticMarkup(
    <AppProvider i18n={englishI18n}>{timeZone === null ? banner : <FormatProvider settings={{ locale: "en", timeZone }}>{banner}</FormatProvider>}</AppProvider>,
  );
}

describe("AttentionBanner's deadline", () => {
  it("is on the shop's clock, from the layout's format settings, and names the zone", () => {
    expect(render("America/New_York")).toContain("Fix by 3 Dec, 07:00 GMT-5 or 2 purchases can&#x27;t be sent.");
    expect(render("Europe/Berlin")).toContain("Fix by 3 Dec, 13:00 CET or 2 purchases");
  });

  it("is in UTC when the shop's time zone is unknown", () => {
    expect(render(null)).toContain("Fix by 3 Dec, 12:00 UTC or 2 purchases");
  });
});
