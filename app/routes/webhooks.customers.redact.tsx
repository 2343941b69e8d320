import type { ActionFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { handleCustomersRedact } from "../webhooks/privacy.server";
import { verifyWebhook } from "../webhooks/verify-webhook.server";

// customers/redact: Delete that customer's delivery records. Idempotent.
export async function action({ request }: ActionFunctionArgs) {
  const webhook = await verifyWebhook(request, "customers/redact");
  const context = await getAppContext();
  await handleCustomersRedact(context, webhook.shop, webhook.payload);
  return new Response(null, { status: 200 });
}
