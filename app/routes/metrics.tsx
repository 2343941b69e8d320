import type { LoaderFunctionArgs } from "@remix-run/node";
import { getAppContext } from "../context.server";
import { metricsAccess } from "../observability/metrics-auth.server";
import { outboxDepthOf } from "../observability/outbox-depth.server";
import { renderMetrics } from "../observability/render-metrics.server";

// Prometheus scrape endpoint on the app's port: only with METRICS_TOKEN set, and then only for
// `Authorization: Bearer <token>`. Without a token it is not served here (404); METRICS_PORT serves it on a
// port of its own (docs/decisions/0019). Outbox depth is counted with a bounded query per status.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await getAppContext();
  const access = metricsAccess(context.env.METRICS_TOKEN, request.headers.get("authorization"), "app");
  if (access === "not_served") return new Response("not found", { status: 404, headers: { "Content-Type": "text/plain" } });
  if (access === "unauthorized") {
    return new Response("unauthorized", { status: 401, headers: { "Content-Type": "text/plain", "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, body } = await renderMetrics(context.metrics, outboxDepthOf(context.database.db));
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
