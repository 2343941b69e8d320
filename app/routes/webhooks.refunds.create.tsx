import { getAppContext } from "../context.server";
import { handleRefundsCreateDelivery, REFUNDS_CREATE } from "../webhooks/order-adjustments-delivery.server";
import { rawWebhookAction } from "../webhooks/raw-webhook-action.server";

// refunds/create: the money returned is recorded for Activity and Health, never sent — Meta has no refund
// event, and a Purchase it counted cannot be taken back (decision 0024). A repeated webhook id stores nothing.
export const action = rawWebhookAction(REFUNDS_CREATE, getAppContext, (raw) => handleRefundsCreateDelivery(getAppContext, raw));
