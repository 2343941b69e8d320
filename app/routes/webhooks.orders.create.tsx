import { getAppContext } from "../context.server";
import { ORDERS_CREATE } from "../webhooks/ingest-paid-order.server";
import { handleOrdersCreateDelivery } from "../webhooks/orders-paid-delivery.server";
import { rawWebhookAction } from "../webhooks/raw-webhook-action.server";

// orders/create: for shops that send the Purchase when the order is placed (cash on delivery) rather than
// when it is paid, a setting (decision 0015). Every shop gets this topic; for the others it stores nothing.
// Whichever of orders/create and orders/paid arrives first, the order yields one event.
export const action = rawWebhookAction(ORDERS_CREATE, getAppContext, (raw) => handleOrdersCreateDelivery(getAppContext, raw));
