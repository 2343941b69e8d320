import type { LoaderFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { authenticate } from "../shopify/app.server";
import { allActivity, parseActivityParams } from "../admin/activity.server";
import { activityCsvHeader, activityCsvLine } from "../admin/activity-csv";
import { readShopTimeZone } from "../admin/shop-format.server";
import { zonedDateString } from "../admin/zoned-days";

// CSV export of Activity with the page's filters (a resource route: the page fetches it with the session
// token and saves the answer). Streamed a keyset page at a time, so a large shop's log is never held whole.

export async function loader({ request }: LoaderFunctionArgs) {
  const { admin, session } = await authenticate.admin(request);
  const context = await getAppContext();
  const timeZone = await readShopTimeZone(admin.graphql, session.shop, Date.now());
  const { query } = parseActivityParams(session.shop, new URL(request.url).searchParams, timeZone);
  const pages = allActivity(context, { ...query, cursor: null });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(activityCsvHeader()));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(activityCsvLine).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  const name = `tandem-activity-${session.shop.replace(/\.myshopify\.com$/, "")}-${zonedDateString(Date.now(), timeZone)}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}
