import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { OrderKindsCard } from "../../app/components/order-kinds-card";

function render(counts: { collisions: number; testOrders: number; noShopper: number; latePayments: number }) {
  return renderToStaticMarkup(
    <AppProvider i18n={englishI18n}>
      <OrderKindsCard counts={counts} days={7} />
    </AppProvider>,
  );
}

describe("OrderKindsCard (Health)", () => {
  it("draws each issue-12 count next to a plain reason", () => {
    const html = render({ collisions: 3, testOrders: 2, noShopper: 5, latePayments: 1 });
    for (const [key, count] of [["collisions", 3], ["testOrders", 2], ["noShopper", 5], ["latePayments", 1]] as const) {
      expect(html).toContain(`data-order-kind-count="${key}">${count}<`);
    }
    expect(html).toContain("never sent as a real purchase");
    expect(html).toContain("sent under the order&#x27;s own id");
    expect(html).toContain("Meta will not pair them with the browser event");
    expect(html).toContain("in the last 7 days");
  });

  it("shows zero counts as zero rather than hiding the rows", () => {
    const html = render({ collisions: 0, testOrders: 0, noShopper: 0, latePayments: 0 });
    expect(html.match(/data-order-kind-count="[a-zA-Z]+">0</g)).toHaveLength(4);
  });
});
