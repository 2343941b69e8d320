import type { ActionFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { handleAppUninstalled } from "../webhooks/privacy.server";
import { verifyWebhook } from "../webhooks/verify-webhook.server";

// app/uninstalled: Drop sessions and the Meta token; may arrive more than once, and after the shop is gone. Idempotent.
export async function action({ request }: ActionFunctionArgs) {
  const webhook = await verifyWebhook(request, "app/uninstalled");
  const context = await getAppContext();
  await handleAppUninstalled(context, webhook.shop, Date.now());
  return new Response(null, { status: 200 });
}
