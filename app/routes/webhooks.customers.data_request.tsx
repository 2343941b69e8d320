import type { ActionFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { handleCustomersDataRequest } from "../webhooks/privacy.server";
import { verifyWebhook } from "../webhooks/verify-webhook.server";

// customers/data_request: Report what is held for the customer's orders (only hashes and statuses). Idempotent.
export async function action({ request }: ActionFunctionArgs) {
  const webhook = await verifyWebhook(request, "customers/data_request");
  const context = await getAppContext();
  await handleCustomersDataRequest(context, webhook.shop, webhook.payload);
  return new Response(null, { status: 200 });
}
