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
  serverWaiting: 0,
  serverWaitingForSetup: 0,
  notSent: 0,
  serverFailed: 0,
  serverFailedNoBrowser: 0,
  sameId: 1100,
  differentId: 20,
  serverOnly: 80,
  recentServerOnly: [
    { orderId: "5900000000080", orderName: "#1080", createdAt: Date.UTC(2026, 10, 29, 14, 5) },
    { orderId: "5900000000079", orderName: null, createdAt: Date.UTC(2026, 10, 29, 9, 30) },
  ],
  recentServerFailed: [],
};

const NOTHING: DedupProof = { paidOrders: 0, browserOrders: 0, serverWaiting: 0, serverWaitingForSetup: 0, notSent: 0, serverFailed: 0, serverFailedNoBrowser: 0, sameId: 0, differentId: 0, serverOnly: 0, recentServerOnly: [], recentServerFailed: [] };

describe("DedupProofCard (Health)", () => {
  it("says the share of web orders whose browser Purchase carried the server's id, in words and bars", () => {
    const html = render(PROOF);
    expect(html).toMatch(/data-dedup-summary.*?Of 1,200 orders paid through a web checkout over the last 7 days, 92% had a browser Purchase/);
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
    const html = render({ ...NOTHING, paidOrders: 3 });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("No paid order from the last 7 days has a browser record yet.");
    expect(html).not.toContain("data-share");
    expect(html).not.toContain("not sent to Meta");
    expect(html).not.toContain("data-dedup-server-waiting");
  });

  it("says web orders skipped on purpose were not sent to Meta, apart from the shares and the server-only list", () => {
    // GIVEN 40 web orders whose Purchase was skipped (no consent, test orders): they are in no share
    const html = render({ ...PROOF, paidOrders: 1340, notSent: 40 });
    expect(html).toContain("Of 1,200 orders paid through a web checkout over the last 7 days and sent to Meta, 92% had a browser Purchase");
    expect(html).toMatch(/data-dedup-not-sent.*?40 orders paid through a web checkout were not sent to Meta: skipped on purpose/);
    expect(html).toContain("Activity shows the reason for each.");
    expect(html).toMatch(/data-share="server_only".*?80 of 1,200 orders/);
    // the server-only sentence still says Meta received those 80, and only those
    expect(html).toContain("No browser Purchase reached Tandem for 80 orders");
  });

  it("keeps the empty state true when the only web orders were skipped on purpose", () => {
    const html = render({ ...NOTHING, paidOrders: 1, notSent: 1 });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("1 order paid through a web checkout was not sent to Meta: skipped on purpose");
    expect(html).toContain("It is not counted above; Activity shows the reason for each.");
    expect(html).not.toContain("Meta still received");
    expect(html).not.toContain("data-share");
  });

  it("says and lists web orders whose server Purchase failed, apart from the shares, with links to the orders and to Activity", () => {
    // GIVEN 12 web orders whose Purchase Meta refused or whose retries ran out; 5 had no browser report either
    const failed = Array.from({ length: 10 }, (_, index) => ({ orderId: String(5900000000200 - index), orderName: `#${1200 - index}`, createdAt: Date.UTC(2026, 10, 28, 10, 59 - index) }));
    const html = render({ ...PROOF, paidOrders: 1312, serverFailed: 12, serverFailedNoBrowser: 5, recentServerFailed: failed });
    // THEN the shares are of the orders sent to Meta, and the server-only sentence is unchanged
    expect(html).toContain("Of 1,200 orders paid through a web checkout over the last 7 days and sent to Meta, 92% had a browser Purchase");
    expect(html).toMatch(/data-share="server_only".*?80 of 1,200 orders/);
    // AND the failed ones are said in words, plural
    expect(html).toMatch(/data-dedup-server-failed.*?12 orders paid through a web checkout were not received by Meta from the server: Meta refused their Purchase, or the retries ran out. They are not counted above./);
    expect(html).toContain("For 5 of them no browser Purchase reached Tandem either, so those reached Meta from neither side.");
    expect(html).toContain("Activity&#x27;s &quot;Retry failed&quot; sends them again. The latest 10 are listed; Activity has them all.");
    // AND listed with the admin's order links, apart from the server-only list, and a link to the failed events
    expect(html.match(/data-server-failed-order=/g)).toHaveLength(10);
    expect(html).toContain('aria-label="Orders whose server Purchase failed"');
    expect(html).toContain('href="https://admin.shopify.com/store/proof-shop/orders/5900000000200"');
    expect(html).toContain('aria-label="#1200, open the order in Shopify"');
    expect(html).toContain('href="/app/activity?status=dead"');
    expect(html.match(/data-server-only-order=/g)).toHaveLength(2);
  });

  it("says a single failed order in the singular, and that it reached Meta from neither side", () => {
    const one = { orderId: "5900000000300", orderName: "#1300", createdAt: Date.UTC(2026, 10, 28, 8, 0) };
    const html = render({ ...PROOF, serverFailed: 1, serverFailedNoBrowser: 1, recentServerFailed: [one] });
    expect(html).toContain("1 order paid through a web checkout was not received by Meta from the server: Meta refused its Purchase, or the retries ran out. It is not counted above.");
    expect(html).toContain("No browser Purchase reached Tandem for it either, so it reached Meta from neither side.");
    expect(html).toContain("sends it again.");
    expect(html).not.toContain("The latest 1");
    expect(html).toContain('data-server-failed-order="5900000000300"');
  });

  it("does not say neither side when every failed order's browser Purchase reached Tandem", () => {
    const html = render({ ...PROOF, serverFailed: 2, serverFailedNoBrowser: 0, recentServerFailed: [] });
    expect(html).toContain("2 orders paid through a web checkout were not received by Meta from the server");
    expect(html).not.toContain("neither side");
  });

  it("keeps the empty state true when the only web orders failed at the server, and still lists them", () => {
    const one = { orderId: "5900000000400", orderName: "#1400", createdAt: Date.UTC(2026, 10, 28, 8, 0) };
    const html = render({ ...NOTHING, paidOrders: 2, serverFailed: 2, serverFailedNoBrowser: 2, recentServerFailed: [one] });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("No order paid through a web checkout over the last 7 days has its server Purchase sent to Meta yet, so there is no pairing to show.");
    expect(html).not.toContain("has a browser record yet");
    expect(html).toContain("No browser Purchase reached Tandem for them either, so they reached Meta from neither side.");
    expect(html).toContain('data-server-failed-order="5900000000400"');
    expect(html).not.toContain("data-share");
  });

  it("says web orders whose server Purchase is still on its way apart from the shares, which are of the orders sent to Meta", () => {
    // GIVEN 30 web orders whose server Purchase is queued or retrying: Meta does not have it yet
    const html = render({ ...PROOF, paidOrders: 1330, serverWaiting: 30 });
    expect(html).toContain("Of 1,200 orders paid through a web checkout over the last 7 days and sent to Meta, 92% had a browser Purchase");
    expect(html).toMatch(/data-share="server_only".*?80 of 1,200 orders/);
    expect(html).toMatch(/data-dedup-server-waiting.*?30 orders paid through a web checkout are still on their way to Meta from the server \(queued or retrying\). They are not counted above until their server Purchase is sent./);
    // nothing waits for the merchant, so the card sends them nowhere
    expect(html).not.toContain("fix the shop&#x27;s Meta setup");
    expect(html).not.toContain('href="/app/settings"');
  });

  it("says which waiting orders need the merchant to fix the setup, with a link to Settings", () => {
    const html = render({ ...PROOF, paidOrders: 1340, serverWaiting: 40, serverWaitingForSetup: 3 });
    expect(html).toMatch(
      /data-dedup-server-waiting.*?40 orders paid through a web checkout have not reached Meta from the server yet: 37 are still on their way \(queued or retrying\), and 3 wait for you to fix the shop&#x27;s Meta setup \(Meta refused the shop&#x27;s settings, or no pixel is saved yet\). They are not counted above/,
    );
    expect(html).toContain('href="/app/settings"');
  });

  it("says a single order waiting for the setup in the singular", () => {
    const html = render({ ...PROOF, serverWaiting: 1, serverWaitingForSetup: 1 });
    expect(html).toContain(
      "1 order paid through a web checkout waits for you to fix the shop&#x27;s Meta setup before the server&#x27;s Purchase can reach Meta (Meta refused the shop&#x27;s settings, or no pixel is saved yet). It is not counted above until its server Purchase is sent.",
    );
  });

  it("keeps the empty state true when every web order's server Purchase is still waiting", () => {
    // GIVEN a shop whose token Meta refused: 5 web orders paused, none sent
    const html = render({ ...NOTHING, paidOrders: 6, serverWaiting: 5, serverWaitingForSetup: 5 });
    expect(html).toContain('data-empty-state="dedup-proof"');
    expect(html).toContain("No order paid through a web checkout over the last 7 days has its server Purchase sent to Meta yet, so there is no pairing to show.");
    expect(html).toContain("5 orders paid through a web checkout wait for you to fix the shop&#x27;s Meta setup");
    expect(html).not.toContain("data-share");
    expect(html).not.toContain("has a browser record yet");
  });
});
