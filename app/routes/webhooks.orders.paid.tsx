import { getAppContext } from "../context.server";
import { ORDERS_PAID } from "../webhooks/ingest-paid-order.server";
import { handleOrdersPaidDelivery } from "../webhooks/orders-paid-delivery.server";
import { rawWebhookAction } from "../webhooks/raw-webhook-action.server";

// orders/paid → one outbox row per destination (app/webhooks/orders-paid-delivery.server.ts); the worker
// sends it to Meta later. The production server answers deliveries without this Remix wrapper (see
// server/webhook-lane.ts); tests and `remix dev` come through here.
export const action = rawWebhookAction(ORDERS_PAID, getAppContext, (raw) => handleOrdersPaidDelivery(getAppContext, raw));
