import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ActivityRow, FunnelSummary } from "../../app/admin/activity.server";
import { ActivityDetail } from "../../app/components/activity-detail";
import { ActivityTable } from "../../app/components/activity-table";
import { FunnelSummaryPanel } from "../../app/components/funnel-summary";

// A shopper event in Activity: named by what the shopper did, linked to no order, its page and source in the
// detail. A sent one is counted above the table, not listed (decision 0034): the rows are those whose first send
// failed, moved to deliveries by the funnel outbox, so the row here is one Meta refused.

const ROW: ActivityRow = {
  id: 7,
  status: "dead",
  statusReason: "Meta error 100/2804050: Invalid parameter",
  eventName: "AddToCart",
  eventId: "f_7",
  provenance: "collector",
  orderKind: null,
  orderId: null,
  orderName: null,
  pixelId: "1234567890",
  matchKeys: ["fbp", "client_user_agent"],
  value: { amount: 25, currency: "EUR" },
  fbtraceId: "Atrace",
  eventsReceived: null,
  attempts: 1,
  resends: 0,
  resentAt: null,
  resendNote: null,
  createdAt: Date.UTC(2026, 10, 30),
  sentAt: null,
  adjustments: [],
  fromCollector: true,
  pageUrl: "https://shop.example/products/mug",
  waitingFor: null,
};

const render = (node: React.ReactNode) => renderToStaticMarkup(<AppProvider i18n={englishI18n}>{node}</AppProvider>);

describe("a shopper event in Activity", () => {
  it("is named by its event in the order column, with no order link", () => {
    const html = render(<ActivityTable rows={[ROW]} shop="funnel-shop.myshopify.com" />);
    expect(html).toContain('data-shopper-event="AddToCart"');
    expect(html).toContain("AddToCart (shopper event)");
    expect(html).not.toContain("data-order-link");
    expect(html).not.toContain("admin.shopify.com");
  });

  it("says in its detail that the collector stored it, on which page, and why Meta refused it", () => {
    const html = render(<ActivityDetail row={ROW} id="d7" />);
    expect(html).toContain("From the collector");
    expect(html).toContain("https://shop.example/products/mug");
    expect(html).toContain("Invalid parameter");
    expect(render(<ActivityDetail row={{ ...ROW, pageUrl: null }} id="d7" />)).toContain("Not recorded");
    // An order's row keeps its detail as it was: no source or page entry.
    const order = render(<ActivityDetail row={{ ...ROW, fromCollector: false, pageUrl: null, provenance: "note_attribute", orderId: "1", orderName: "#1", eventName: "Purchase" }} id="d1" />);
    expect(order).not.toContain("From the collector");
    expect(order).not.toContain(">Page<");
  });
});

const SUMMARY: FunnelSummary = {
  today: "2026-11-30",
  chosen: null,
  lines: [{ eventName: "ViewContent", today: 1_204, week: 9_870 }],
  total: { today: 1_204, week: 9_870 },
  waiting: 1,
  waitingCapped: false,
};

describe("the shopper events summary above the table", () => {
  it("says one waiting event in the singular, and no 'In all' line for a single event name", () => {
    const html = render(<FunnelSummaryPanel summary={SUMMARY} />);
    expect(html).toMatch(/data-funnel-sent="ViewContent".*data-sent-today="true">1,204<.*data-sent-week="true">9,870</);
    expect(html).not.toContain('data-funnel-sent="all"');
    expect(html).toContain(">1 shopper event waiting to be sent now.<");
  });

  it("says a capped waiting count is at least that many, and nothing waiting or sent in words", () => {
    expect(render(<FunnelSummaryPanel summary={{ ...SUMMARY, waiting: 10_000, waitingCapped: true }} />)).toContain(">10,000 or more shopper events waiting to be sent now.<");
    const quiet = render(<FunnelSummaryPanel summary={{ ...SUMMARY, lines: [], total: { today: 0, week: 0 }, waiting: 0 }} />);
    expect(quiet).toContain("None sent in the last 7 days.");
    expect(quiet).toContain("None waiting to be sent now.");
    expect(quiet).toContain("Sent shopper events are counted, not listed");
  });
});
