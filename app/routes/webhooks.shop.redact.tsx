import type { ActionFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { handleShopRedact } from "../webhooks/privacy.server";
import { verifyWebhook } from "../webhooks/verify-webhook.server";

// shop/redact: 48 h after uninstall: delete everything held about the shop. Idempotent.
export async function action({ request }: ActionFunctionArgs) {
  const webhook = await verifyWebhook(request, "shop/redact");
  const context = await getAppContext();
  await handleShopRedact(context, webhook.shop);
  return new Response(null, { status: 200 });
}
