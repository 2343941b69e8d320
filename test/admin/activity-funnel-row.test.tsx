import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ActivityRow } from "../../app/admin/activity.server";
import { ActivityDetail } from "../../app/components/activity-detail";
import { ActivityTable } from "../../app/components/activity-table";

// A shopper event in Activity: named by what the shopper did, linked to no order, its page and source in the detail.

const ROW: ActivityRow = {
  id: 7,
  status: "sent",
  statusReason: null,
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
  eventsReceived: 1,
  attempts: 1,
  resends: 0,
  resentAt: null,
  resendNote: null,
  createdAt: Date.UTC(2026, 10, 30),
  sentAt: Date.UTC(2026, 10, 30, 0, 0, 1),
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

  it("says in its detail that the collector sent it, and on which page", () => {
    const html = render(<ActivityDetail row={ROW} id="d7" />);
    expect(html).toContain("From the collector");
    expect(html).toContain("https://shop.example/products/mug");
    expect(render(<ActivityDetail row={{ ...ROW, pageUrl: null }} id="d7" />)).toContain("Not recorded");
    // An order's row keeps its detail as it was: no source or page entry.
    const order = render(<ActivityDetail row={{ ...ROW, fromCollector: false, pageUrl: null, provenance: "note_attribute", orderId: "1", orderName: "#1", eventName: "Purchase" }} id="d1" />);
    expect(order).not.toContain("From the collector");
    expect(order).not.toContain(">Page<");
  });
});
