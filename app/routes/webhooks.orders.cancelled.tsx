import { getAppContext } from "../context.server";
import { handleOrdersCancelledDelivery, ORDERS_CANCELLED } from "../webhooks/order-adjustments-delivery.server";
import { rawWebhookAction } from "../webhooks/raw-webhook-action.server";

// orders/cancelled: recorded, never sent — Meta has no cancellation event (decision 0024). An order cancelled
// before its Purchase went out (cash on delivery sending on orders/create, a shop not yet configured) is not
// sent; a Purchase already sent stands. Shopify may deliver twice: a repeated webhook id stores nothing.
export const action = rawWebhookAction(ORDERS_CANCELLED, getAppContext, (raw) => handleOrdersCancelledDelivery(getAppContext, raw));
