import { useEffect, useState } from "react";
import { Badge, Button, Text } from "@shopify/polaris";
import type { ActivityRow } from "../admin/activity.server";
import { adjustmentInWords } from "../admin/adjustment-words";
import { ORDER_KIND_WORDS, STATUS_WORDS, reasonInWords, rowStatusInWords } from "../admin/words";
import { ActivityDetail } from "./activity-detail";
import { useFormat } from "./format-context";

// Activity as a table on wide screens (received, order, status with its reason, value, details) and as a list
// on narrow ones; ids, keys and Meta's answer live in each row's detail so nothing important scrolls away.

const STYLES = `
.tandem-activity table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.tandem-activity th { text-align: left; font-weight: 550; padding: 8px; border-bottom: 1px solid var(--p-color-border); }
.tandem-activity td { padding: 8px; vertical-align: top; border-bottom: 1px solid var(--p-color-border-secondary); overflow-wrap: anywhere; }
.tandem-activity td.tandem-num, .tandem-activity th.tandem-num { text-align: right; }
.tandem-activity .tandem-activity-detail dl { margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px 16px; }
.tandem-activity .tandem-activity-detail dd { margin: 0; overflow-wrap: anywhere; }
.tandem-activity ul { list-style: none; margin: 0; padding: 0; }
.tandem-activity li { padding: 12px 0; border-bottom: 1px solid var(--p-color-border-secondary); }
.tandem-activity .tandem-list-head { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.tandem-activity .tandem-narrow { display: none; }
@media (max-width: 599px) {
  .tandem-activity .tandem-wide { display: none; }
  .tandem-activity .tandem-narrow { display: block; }
}
.tandem-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

function shopHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/**
 * The order in the Shopify admin. With App Bridge loaded, `shopify:admin/orders/<id>` is the admin's own
 * deep link: App Bridge opens the order inside the admin without reloading it. Without App Bridge (its script
 * blocked, or the page opened outside the admin) that scheme means nothing to the browser, so the link is the
 * admin's web address opened in the top window; it is what the server renders and what stays when App Bridge
 * is absent.
 */
function OrderLink({ row, shop }: { row: ActivityRow; shop: string }) {
  const [appBridge, setAppBridge] = useState(false);
  useEffect(() => setAppBridge(typeof window !== "undefined" && "shopify" in window), []);
  // A shopper event belongs to no order: it is named by what the shopper did, and links nowhere.
  if (row.fromCollector) return <span data-shopper-event={row.eventName}>{shopperEventLabel(row.eventName)}</span>;
  const label = row.orderName ?? (row.orderId ? `Order ${row.orderId}` : "—");
  if (!row.orderId || !/^\d+$/.test(row.orderId)) return <span>{label}</span>;
  const href = appBridge ? `shopify:admin/orders/${row.orderId}` : `https://admin.shopify.com/store/${shopHandle(shop)}/orders/${row.orderId}`;
  return (
    <a href={href} target="_top" data-order-link={row.orderId} aria-label={`${label}, open the order in Shopify`}>
      {label}
    </a>
  );
}

/** "AddToCart (shopper event)": Meta's name for it, as Events Manager lists it. */
function shopperEventLabel(eventName: string): string {
  return `${eventName} (shopper event)`;
}

function StatusCell({ row }: { row: ActivityRow }) {
  const format = useFormat();
  const reason = reasonInWords(row.statusReason);
  return (
    <span data-status={row.status}>
      <Badge tone={STATUS_WORDS[row.status].tone}>{rowStatusInWords(row)}</Badge>
      {reason ? (
        <Text as="p" tone="subdued" variant="bodySm" breakWord>
          {reason}
        </Text>
      ) : null}
      {row.orderKind ? (
        <Text as="p" tone="subdued" variant="bodySm">
          <span data-order-kind={row.orderKind}>{ORDER_KIND_WORDS[row.orderKind] ?? row.orderKind}</span>
        </Text>
      ) : null}
      {row.adjustments.map((adjustment, index) => (
        <Text as="p" tone="subdued" variant="bodySm" key={`adjustment-${index}`}>
          <span data-adjustment={adjustment.kind}>{adjustmentInWords(adjustment, format)}</span>
        </Text>
      ))}
    </span>
  );
}

function DetailsButton({ row, open, controls, onToggle }: { row: ActivityRow; open: boolean; controls: string; onToggle: () => void }) {
  const order = row.orderName ?? (row.fromCollector ? `${row.eventName} ${row.eventId}` : row.eventId);
  return (
    <Button variant="plain" disclosure={open ? "up" : "down"} ariaExpanded={open} ariaControls={controls} onClick={onToggle} accessibilityLabel={`Details of ${order}`}>
      Details
    </Button>
  );
}

export function ActivityTable({ rows, shop }: { rows: ActivityRow[]; shop: string }) {
  const format = useFormat();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const value = (row: ActivityRow) => (row.value === null ? "—" : format.money(row.value.amount, row.value.currency));
  return (
    <div className="tandem-activity">
      <style>{STYLES}</style>
      <div className="tandem-wide">
        <table>
          <caption className="tandem-visually-hidden">Server events, newest first</caption>
          <colgroup>
            <col style={{ width: "24%" }} />
            <col style={{ width: "14%" }} />
            <col />
            <col style={{ width: "14%" }} />
            <col style={{ width: "12%" }} />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Order</th>
              <th scope="col">Status</th>
              <th scope="col" className="tandem-num">
                Value
              </th>
              <th scope="col">
                <span className="tandem-visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((row) => {
              const detailId = `activity-detail-wide-${row.id}`;
              const main = (
                <tr key={row.id} data-row={row.id}>
                  <td>{format.dateTime(row.createdAt)}</td>
                  <td data-order>
                    <OrderLink row={row} shop={shop} />
                  </td>
                  <td>
                    <StatusCell row={row} />
                  </td>
                  <td className="tandem-num">{value(row)}</td>
                  <td>
                    <DetailsButton row={row} open={open.has(row.id)} controls={detailId} onToggle={() => toggle(row.id)} />
                  </td>
                </tr>
              );
              if (!open.has(row.id)) return [main];
              return [
                main,
                <tr key={`${row.id}-detail`}>
                  <td colSpan={5}>
                    <ActivityDetail row={row} id={detailId} />
                  </td>
                </tr>,
              ];
            })}
          </tbody>
        </table>
      </div>
      <ul className="tandem-narrow" aria-label="Server events, newest first">
        {rows.map((row) => {
          const detailId = `activity-detail-narrow-${row.id}`;
          return (
            <li key={row.id} data-row={row.id}>
              <div className="tandem-list-head">
                <Text as="span" fontWeight="semibold">
                  <OrderLink row={row} shop={shop} />
                </Text>
                <Text as="span">{value(row)}</Text>
              </div>
              <Text as="p" tone="subdued" variant="bodySm">
                {format.dateTime(row.createdAt)}
              </Text>
              <StatusCell row={row} />
              <DetailsButton row={row} open={open.has(row.id)} controls={detailId} onToggle={() => toggle(row.id)} />
              {open.has(row.id) ? <ActivityDetail row={row} id={detailId} /> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
