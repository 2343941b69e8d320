import { useEffect, useState } from "react";

function shopHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/**
 * An order in the Shopify admin, linked as Activity links it: with App Bridge loaded, `shopify:admin/orders/<id>`
 * opens the order inside the admin; without it (script blocked, page opened outside the admin) the admin's web
 * address in the top window, which is also what the server renders.
 */
export function OrderLink({ orderId, orderName, shop }: { orderId: string; orderName: string | null; shop: string }) {
  const [appBridge, setAppBridge] = useState(false);
  useEffect(() => setAppBridge(typeof window !== "undefined" && "shopify" in window), []);
  const label = orderName ?? `Order ${orderId}`;
  if (!/^\d+$/.test(orderId)) return <span>{label}</span>;
  const href = appBridge ? `shopify:admin/orders/${orderId}` : `https://admin.shopify.com/store/${shopHandle(shop)}/orders/${orderId}`;
  return (
    <a href={href} target="_top" data-order-link={orderId} aria-label={`${label}, open the order in Shopify`}>
      {label}
    </a>
  );
}
