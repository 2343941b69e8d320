import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createFormatter, type FormatSettings } from "../../app/admin/format";
import type { HomeSummary } from "../../app/admin/home-summary.server";
import { FormatProvider } from "../../app/components/format-context";
import { HomeSummaryCard } from "../../app/components/home-summary";

const LAST_SENT = Date.UTC(2026, 10, 30, 3, 30);

function render(summary: HomeSummary, settings: FormatSettings) {
  return renderToStaticMarkup(
    <AppProvider i18n={englishI18n}>
      <FormatProvider settings={settings}>
        <HomeSummaryCard summary={summary} />
      </FormatProvider>
    </AppProvider>,
  );
}

describe("HomeSummaryCard", () => {
  it("counts with the admin's locale and plurals, and dates the last send on the shop's clock", () => {
    const settings = { locale: "de-DE", timeZone: "America/New_York" };
    const html = render({ sent: 1204, skipped: 3, waiting: 1, retrying: 1, failed: 0, lastSentAt: LAST_SENT }, settings);
    expect(html).toContain("1.204 events sent, 3 skipped on purpose, 2 waiting, 0 failed.");
    // 03:30 UTC is still the 29th in New York
    expect(html).toContain(`Last event reached Meta ${createFormatter(settings).dateTime(LAST_SENT)}.`);
    expect(createFormatter(settings).dateTime(LAST_SENT)).toContain("29.11.2026");
    expect(html).not.toContain("(s)");
  });

  it("says one event in the singular, and that nothing was sent yet", () => {
    const html = render({ sent: 1, skipped: 0, waiting: 0, retrying: 0, failed: 0, lastSentAt: null }, { locale: "en", timeZone: "UTC" });
    expect(html).toContain("1 event sent, 0 skipped on purpose");
    expect(html).toContain("Nothing has been sent yet.");
  });
});
