import { AppProvider } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { markWaiting, type ActivityRow } from "../../app/admin/activity.server";
import { ActivityTable } from "../../app/components/activity-table";

function row(id: number, status: ActivityRow["status"], pixelId: string | null): ActivityRow {
  return {
    id,
    status,
    statusReason: status === "needs_attention" ? "Meta error 190/460: invalidated" : null,
    eventName: "Purchase",
    eventId: `evt_${id}`,
    provenance: "order_id",
    orderKind: null,
    orderId: String(id),
    orderName: `#${id}`,
    pixelId,
    matchKeys: [],
    value: null,
    fbtraceId: null,
    eventsReceived: null,
    attempts: 1,
    resends: 0,
    resentAt: null,
    resendNote: null,
    createdAt: Date.UTC(2026, 10, 30),
    sentAt: null,
    adjustments: [],
    fromCollector: false,
    pageUrl: null,
    waitingFor: null,
  };
}

function statusCells(rows: ActivityRow[]): string[] {
  const html = renderToStaticMarkup(
    <AppProvider i18n={englishI18n}>
      <ActivityTable rows={rows} shop="waiting-shop.myshopify.com" />
    </AppProvider>,
  );
  // The wide table's status cells, in row order (the narrow list repeats them).
  return html
    .split('data-status="')
    .slice(1, rows.length + 1)
    .map((chunk) => (chunk.split("</td>")[0] ?? "").replace(/<[^>]+>/g, " "));
}

describe("waiting rows in Activity", () => {
  const rows = [row(1, "needs_attention", "111"), row(2, "needs_attention", "222"), row(3, "sent", "111"), row(4, "dead", "111")];

  it("say 'waiting — shop paused' while the shop's token pause stands", () => {
    const marked = markWaiting(rows, { reason: "Meta error 190/460: invalidated", pixels: [] });
    expect(marked.map((r) => r.waitingFor)).toEqual([{ shopPaused: true, pixelId: "111" }, { shopPaused: true, pixelId: "222" }, null, null]);
    const cells = statusCells(marked);
    expect(cells[0]).toContain("Waiting — shop paused");
    expect(cells[1]).toContain("Waiting — shop paused");
    expect(cells[2]).toContain("Sent");
    expect(cells[3]).toContain("Failed");
  });

  it("name the paused pixel when only that pixel is paused, and leave the other pixel's rows alone", () => {
    const marked = markWaiting(rows, { reason: null, pixels: [{ pixelId: "111", reason: "Meta error 100/33", pausedAt: 0, deadline: { sendBy: 0, atRisk: 0, waiting: 0, expired: 0 } }] });
    const cells = statusCells(marked);
    expect(cells[0]).toContain("Waiting — pixel 111 paused");
    expect(cells[1]).toContain("Needs attention");
  });

  it("keep their status when nothing is paused", () => {
    expect(statusCells(markWaiting(rows, { reason: null, pixels: [] }))[0]).toContain("Needs attention");
  });
});
