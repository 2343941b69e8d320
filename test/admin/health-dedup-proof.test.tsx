import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DedupProofCard } from "../../app/components/health-dedup-proof";
import { FormatProvider } from "../../app/components/format-context";
import type { DedupProof } from "../../app/db/dedup-proof-reads.server";

const SHOP = "proof-shop.myshopify.com";

function render(proof: DedupProof, locale = "en") {
  return renderToStaticMarkup(
    <AppProvider i18n={englishI18n}>
      <FormatProvider settings={{ locale, timeZone: "UTC" }}>
        <DedupProofCard proof={proof} days={7} shop={SHOP} />
      </FormatProvider>
    </AppProvider>,
  );
}

const PROOF: DedupProof = {
  paidOrders: 1300,
  browserOrders: 1200,
  notSent: 0,
  sameId: 1100,
  differentId: 20,
  serverOnly: 80,
  recentServerOnly: [
    { orderId: "5900000000080", orderName: "#1080", createdAt: Date.UTC(2026, 10, 29, 14, 5) },
    { orderId: "5900000000079", orderName: null, createdAt: Date.UTC(2026, 10, 29, 9, 30) },
  ],
};

describe("DedupProofCard (Health)", () => {
  it("says the share of web orders whose browser Purchase carried the server's id, in words and bars", () => {
    const html = render(PROOF);
    expect(html).toContain("Of 1,200 orders paid through a web checkout over the last 7 days, 92% had a browser Purchase");
    for (const [key, text] of [["same_id", "1,100 of 1,200 orders"], ["different_id", "20 of 1,200 orders"], ["server_only", "80 of 1,200 orders"]]) {
      expect(html).toMatch(new RegExp(`data-share="${key}".*?${text}`));
    }
    expect(html).toContain("Meta may count those twice");
  });

  it("lists the latest server-only orders with links into the Shopify admin and says how many are not listed", () => {
    const html = render(PROOF);
    expect(html).toContain('href="https://admin.shopify.com/store/proof-shop/orders/5900000000080"');
    expect(html).toContain('aria-label="#1080, open the order in Shopify"');
    expect(html).toContain(">Order 5900000000079</a>");
    expect(html).toContain("Nov 29, 2026, 2:05");
    expect(html).toContain("The latest 2 are listed; Activity has them all.");
  });

  it("formats numbers and dates in the shop's locale", () => {
    const html = render(PROOF, "de-DE");
    expect(html).toContain("Of 1.200 orders");
    expect(html).toContain("29.11.2026");
  });

  it("says every browser Purchase arrived when no order was server-only", () => {
    const html = render({ ...PROOF, differentId: 0, serverOnly: 0, sameId: 1200, recentServerOnly: [] });
    expect(html).toContain("Every web order&#x27;s browser Purchase reached Tandem.");
    expect(html).not.toContain("data-server-only-order");
    expect(html).not.toContain("Meta may count those twice");
  });

  it("has an empty state when no order came through a web checkout", () => {
    const html = render({ paidOrders: 3, browserOrders: 0, notSent: 0, sameId: 0, differentId: 0, serverOnly: 0, recentServerOnly: [] });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("No paid order from the last 7 days has a browser record yet.");
    expect(html).not.toContain("data-share");
    expect(html).not.toContain("not sent to Meta");
  });

  it("says web orders skipped on purpose were not sent to Meta, apart from the shares and the server-only list", () => {
    // GIVEN 40 web orders whose Purchase was skipped (no consent, test orders): they are in no share
    const html = render({ ...PROOF, paidOrders: 1340, notSent: 40 });
    expect(html).toContain("Of 1,200 orders paid through a web checkout over the last 7 days and sent to Meta, 92% had a browser Purchase");
    expect(html).toContain("40 orders paid through a web checkout were not sent to Meta: skipped on purpose");
    expect(html).toContain("Activity shows the reason for each.");
    expect(html).toMatch(/data-share="server_only".*?80 of 1,200 orders/);
    // the server-only sentence still says Meta received those 80, and only those
    expect(html).toContain("No browser Purchase reached Tandem for 80 orders");
  });

  it("keeps the empty state true when the only web orders were skipped on purpose", () => {
    const html = render({ paidOrders: 1, browserOrders: 0, notSent: 1, sameId: 0, differentId: 0, serverOnly: 0, recentServerOnly: [] });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("1 order paid through a web checkout was not sent to Meta: skipped on purpose");
    expect(html).not.toContain("Meta still received");
    expect(html).not.toContain("data-share");
  });
});
